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
  entry.flow = std::move(flow);
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
  std::vector<std::shared_ptr<const Flow>> out;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [key, entry] : entries_)
      if (entry.flow) out.push_back(entry.flow);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a->ns, a->id) < std::tie(b->ns, b->id);
  });
  return out;
}

}  // namespace runwatch
