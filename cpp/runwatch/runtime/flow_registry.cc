#include "runwatch/runtime/flow_registry.h"

#include <algorithm>

namespace runwatch {
namespace {
std::string key_of(const std::string& ns, const std::string& id) { return ns + "\n" + id; }
}  // namespace

std::shared_ptr<const Flow> FlowRegistry::put(std::shared_ptr<Flow> flow) {
  std::unique_lock lock(mutex_);
  auto& slot = flows_[key_of(flow->ns, flow->id)];
  if (slot) {
    if (slot->source == flow->source) return slot;
    flow->revision = slot->revision + 1;
  }
  slot = std::move(flow);
  return slot;
}

std::shared_ptr<const Flow> FlowRegistry::find(const std::string& ns, const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = flows_.find(key_of(ns, id));
  return it == flows_.end() ? nullptr : it->second;
}

bool FlowRegistry::remove(const std::string& ns, const std::string& id) {
  std::unique_lock lock(mutex_);
  return flows_.erase(key_of(ns, id)) > 0;
}

std::vector<std::shared_ptr<const Flow>> FlowRegistry::all() const {
  std::vector<std::shared_ptr<const Flow>> out;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [key, flow] : flows_) out.push_back(flow);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a->ns, a->id) < std::tie(b->ns, b->id);
  });
  return out;
}

}  // namespace runwatch
