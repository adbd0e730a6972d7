#include "runwatch/runtime/flow_registry.h"

#include <algorithm>

namespace runwatch {
namespace {
std::string key_of(const std::string& ns, const std::string& id) { return ns + "\n" + id; }
}  // namespace

void FlowRegistry::put(std::shared_ptr<const Flow> flow) {
  std::unique_lock lock(mutex_);
  auto& entry = entries_[key_of(flow->ns, flow->id)];
  entry.latest_revision = std::max(entry.latest_revision, flow->revision);
  forget_live(flow->ns, flow->id);
  live_.insert(flow);
  entry.flow = std::move(flow);
}

void FlowRegistry::forget_live(const std::string& ns, const std::string& id) {
  if (auto it = live_.find(FlowKey{ns, id}); it != live_.end()) live_.erase(it);
}

std::shared_ptr<const Flow> FlowRegistry::find(const std::string& ns, const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key_of(ns, id));
  return it == entries_.end() ? nullptr : it->second.flow;
}

std::shared_ptr<const Flow> FlowRegistry::remove(const std::string& ns, const std::string& id) {
  std::unique_lock lock(mutex_);
  auto it = entries_.find(key_of(ns, id));
  if (it == entries_.end() || !it->second.flow) return nullptr;
  ++it->second.latest_revision;
  forget_live(ns, id);
  return std::exchange(it->second.flow, nullptr);
}

int FlowRegistry::next_revision(const std::string& ns, const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key_of(ns, id));
  return it == entries_.end() ? 1 : it->second.latest_revision + 1;
}

void FlowRegistry::note_revision(const std::string& ns, const std::string& id, int revision) {
  std::unique_lock lock(mutex_);
  auto& entry = entries_[key_of(ns, id)];
  entry.latest_revision = std::max(entry.latest_revision, revision);
}

std::vector<std::shared_ptr<const Flow>> FlowRegistry::all() const {
  std::shared_lock lock(mutex_);
  return {live_.begin(), live_.end()};
}

}  // namespace runwatch
