#pragma once
// Handles resolved once per label values and kept. Not thread-safe on purpose: each
// thread that records metrics owns its caches (the executor thread, each worker thread,
// the scheduler thread), so a hot-path update is a lookup in the thread's own map (no
// lock, no allocation once the key buffer has grown) and an atomic add on the handle.
// The handles themselves are prometheus-cpp series, which live as long as the registry
// and are safe to update from any thread.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace runwatch::metrics {

template <typename Series>
class SeriesCache {
 public:
  // The series of these label values, made by make(values...) the first time.
  template <typename Make, typename... Values>
  Series& get(Make&& make, const Values&... values) {
    key_.clear();
    ((key_.append(values), key_.push_back('\0')), ...);
    auto it = map_.find(key_);
    if (it != map_.end()) return *it->second;
    return *map_.emplace(key_, std::make_unique<Series>(make(values...))).first->second;
  }

 private:
  std::string key_;
  std::unordered_map<std::string, std::unique_ptr<Series>> map_;
};

}  // namespace runwatch::metrics
