#pragma once
// The loaded flows by namespace and id. Replacing a flow with a changed source bumps
// its revision, as Kestra does; executions keep the revision they started with.
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runwatch/model/flow.h"

namespace runwatch {

class FlowRegistry {
 public:
  // Stores the flow (its revision set) and returns it.
  std::shared_ptr<const Flow> put(std::shared_ptr<Flow> flow);
  std::shared_ptr<const Flow> find(const std::string& ns, const std::string& id) const;
  bool remove(const std::string& ns, const std::string& id);
  // Sorted by namespace, then id.
  std::vector<std::shared_ptr<const Flow>> all() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Flow>> flows_;  // "namespace\nid" -> flow
};

}  // namespace runwatch
