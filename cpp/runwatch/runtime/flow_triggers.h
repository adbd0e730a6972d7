#pragma once
// The Flow triggers of the loaded flows: which monitoring flows an execution's state
// change starts. An index over the conditions' constraints hands each event only the
// triggers that can match it; their conditions then decide.
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/trigger_index.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"

namespace runwatch {

struct FlowTriggerMatch {
  std::shared_ptr<const Flow> flow;  // the monitoring flow to start
  const TriggerDef* trigger;         // its Flow trigger (owned by flow)
  Value variables;                   // trigger.* for the new execution
};

class FlowTriggers {
 public:
  FlowTriggers();
  ~FlowTriggers();
  // Recompiles the triggers of these flows (called whenever the loaded flows change).
  void set_flows(const std::vector<std::shared_ptr<const Flow>>& flows);
  // The triggers that fire for this execution in its current state; never the
  // execution's own flow. `warnings` receives conditions that failed to evaluate.
  std::vector<FlowTriggerMatch> match(const Execution& execution, std::vector<std::string>* warnings) const;
  size_t size() const;

 private:
  struct Entry;
  mutable std::shared_mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  TriggerIndex index_;
};

// What a Flow trigger's execution sees as `trigger`: the execution that fired it.
Value flow_trigger_variables(const Execution& execution);

}  // namespace runwatch
