#pragma once
// The Flow and Alert triggers of the loaded flows: which monitoring flows an execution's
// state change starts, and which Alert triggers watch it (AlertMonitor decides when those
// start theirs). An index over the conditions' constraints hands each event only the
// triggers that can match it; its `when` and conditions then decide, and for a trigger
// with preconditions, dependsOn or MultipleConditions, its time windows (kept in a
// WindowStore).
#include <memory>
#include <shared_mutex>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/trigger_index.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"
#include "runwatch/runtime/flow_registry.h"
#include "runwatch/runtime/window_store.h"

namespace runwatch {

struct FlowTriggerMatch {
  std::shared_ptr<const Flow> flow;  // the monitoring flow to start
  const TriggerDef* trigger;         // its Flow or Alert trigger (owned by flow)
  Value variables;                   // trigger.* for the new execution
};

class FlowTriggers {
 public:
  explicit FlowTriggers(std::unique_ptr<WindowStore> windows = std::make_unique<MemoryWindowStore>());
  ~FlowTriggers();
  // Takes in the changed flows: a removed or replaced flow's triggers leave the index, a new
  // or replaced one's are compiled and enter it; the other flows' are not touched, so a
  // change costs what the changed flows hold, not what all the loaded flows do.
  void change_flows(const std::vector<FlowChange>& changes);
  // The triggers that fire for this execution in its current state, its time in the
  // windows counted; never the execution's own flow. `warnings` receives conditions
  // that failed to evaluate. Call it once per state change, in order.
  std::vector<FlowTriggerMatch> fire(const Execution& execution, std::vector<std::string>* warnings);
  // The same without counting the event in any window: the triggers it would fire now.
  std::vector<FlowTriggerMatch> match(const Execution& execution, std::vector<std::string>* warnings) const;
  size_t size() const;

 private:
  struct Entry;
  std::vector<FlowTriggerMatch> evaluate(const Execution& execution, std::vector<std::string>* warnings,
                                         bool count_in_windows) const;
  // Whether the event, counted in each of the trigger's windows, completes them all.
  bool completes_windows(const Entry& entry, const ConditionInput& input, std::vector<std::string>* warnings,
                         bool count_in_windows) const;

  // The flow's triggers that watch executions, compiled (none for a null or disabled flow).
  static std::vector<std::shared_ptr<const Entry>> compile(const std::shared_ptr<const Flow>& flow);

  std::unique_ptr<WindowStore> windows_;
  mutable std::shared_mutex mutex_;
  std::vector<std::shared_ptr<const Entry>> entries_;  // by index id; null: a free id
  std::vector<std::uint32_t> free_ids_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> ids_of_flow_;  // Flow::key() -> its entries' ids
  TriggerIndex index_;
};

// What a Flow trigger's execution sees as `trigger`: the execution that fired it.
Value flow_trigger_variables(const Execution& execution);

}  // namespace runwatch
