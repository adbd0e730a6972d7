#include "runwatch/condition/flow_trigger.h"

#include "runwatch/condition/alert_trigger.h"
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
        .description = "Flows that must all have run within a time window (id, flows, where, timeWindow, "
                       "resetOnSuccess); Kestra 1.x, not with the 2.0 keys."},
       {.name = "when",
        .type = T::String,
        .description = "An expression over the upstream execution (flow, execution, labels, outputs, inputs); the "
                       "trigger ignores executions for which it renders false, 0, -0 or blank (Kestra 2.0)."},
       {.name = "dependsOn",
        .type = T::List,
        .description = "Upstream executions to wait for, each with an optional namespace, flowId, states, labels "
                       "and when (Kestra 2.0); `mode` says how many must be met within `window`."},
       {.name = "window",
        .type = T::Map,
        .description = "Within what time `dependsOn` must be met: deadline, from and to, lookback, or every and "
                       "offset (one day from midnight by default), and timezone (Kestra 2.0)."},
       {.name = "mode",
        .type = T::String,
        .description = "How many `dependsOn` entries must be met: ALL (the default), ANY or AT_LEAST "
                       "`minSatisfied` (Kestra 2.0).",
        .allowed_values = {"ALL", "ANY", "AT_LEAST"}},
       {.name = "minSatisfied",
        .type = T::Integer,
        .description = "With mode AT_LEAST, how many `dependsOn` entries must be met (Kestra 2.0)."}});
  schema.check = check_flow_trigger_properties;
  return schema;
}

bool watches_executions(const TriggerDef& trigger) {
  return trigger.type == kFlowTriggerType || is_alerting_trigger(trigger);
}

StateMask flow_trigger_states(const TriggerDef& trigger) {
  if (is_alerting_trigger(trigger)) return alert_trigger_states(trigger);
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
