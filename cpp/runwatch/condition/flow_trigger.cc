#include "runwatch/condition/flow_trigger.h"

#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/windowed_conditions.h"
#include "runwatch/trigger/schemas.h"

namespace runwatch {

TypeSchema flow_trigger_schema() {
  using T = PropertyType;
  auto schema = trigger_schema(
      "Flow", "Starts an execution when an execution of another flow ends (or reaches one of `states`).",
      {{.name = "states",
        .type = T::StateList,
        .description = "The execution states that fire the trigger; every terminal state when not set."},
       trigger_inputs("The inputs of the started execution, templated with the triggering execution."),
       {.name = "preconditions",
        .type = T::Map,
        .description =
            "Flows that must all have run within a time window (id, flows, where, timeWindow, resetOnSuccess)."}});
  schema.check = check_flow_trigger_properties;
  return schema;
}

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
