#include "runwatch/condition/flow_trigger.h"

#include "runwatch/condition/compiled_condition.h"

namespace runwatch {

StateMask flow_trigger_states(const TriggerDef& trigger) {
  auto it = trigger.properties.find("states");
  StateMask states = terminal_states();
  if (it != trigger.properties.end() && !it->is_null())
    states = it->is_array() ? parse_state_names(*it) : kAllStates;
  return states & static_cast<StateMask>(~state_bit(State::CREATED));
}

Constraint other_flows_than(const Flow& flow) { return Constraint::flow_is(flow.ns, flow.id).complement(); }

Constraint flow_trigger_constraint(const Flow& flow, const TriggerDef& trigger, const ConditionSet& conditions) {
  return conditions.constraint()
      .intersect(Constraint::state_in(flow_trigger_states(trigger)))
      .intersect(other_flows_than(flow));
}

}  // namespace runwatch
