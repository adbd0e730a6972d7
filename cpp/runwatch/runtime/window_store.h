#pragma once
// Where the engine keeps the time windows of Flow trigger preconditions and
// MultipleConditions between events: MemoryWindowStore here, and the durable one
// (RepositoryWindowStore, repository_adapters.h) that the engine uses.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "runwatch/condition/windowed_conditions.h"

namespace runwatch {

// One window: the trigger's flow, the trigger, and the preconditions' (or
// MultipleCondition's) id.
struct WindowKey {
  std::string ns;
  std::string flow_id;
  std::string trigger_id;
  std::string condition_id;
  auto operator<=>(const WindowKey&) const = default;
};

class WindowStore {
 public:
  virtual ~WindowStore() = default;
  virtual std::optional<WindowState> get(const WindowKey& key) const = 0;
  virtual void put(const WindowKey& key, const WindowState& state) = 0;
  virtual void erase(const WindowKey& key) = 0;
};

class MemoryWindowStore final : public WindowStore {
 public:
  std::optional<WindowState> get(const WindowKey& key) const override;
  void put(const WindowKey& key, const WindowState& state) override;
  void erase(const WindowKey& key) override;

 private:
  mutable std::mutex mutex_;
  std::map<WindowKey, WindowState> windows_;
};

}  // namespace runwatch
