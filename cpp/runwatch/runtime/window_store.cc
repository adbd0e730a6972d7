#include "runwatch/runtime/window_store.h"

namespace runwatch {

std::optional<WindowState> MemoryWindowStore::get(const WindowKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  if (it == windows_.end()) return std::nullopt;
  return it->second;
}

void MemoryWindowStore::put(const WindowKey& key, const WindowState& state) {
  std::lock_guard lock(mutex_);
  windows_[key] = state;
}

void MemoryWindowStore::erase(const WindowKey& key) {
  std::lock_guard lock(mutex_);
  windows_.erase(key);
}

}  // namespace runwatch
