#pragma once
// What a Flow trigger (io.kestra.plugin.core.trigger.Flow) fires on besides its
// conditions: the states it listens to, and executions of other flows only.
#include <string_view>

#include "runwatch/condition/condition.h"
#include "runwatch/model/schema.h"

namespace runwatch {

inline constexpr std::string_view kFlowTriggerType = "io.kestra.plugin.core.trigger.Flow";

// A Flow or an alerting trigger (Alert, Absence, Stuck): what FlowTriggers matches
// against execution events.
bool watches_executions(const TriggerDef& trigger);

// Its schema, whose check reads `preconditions`.
TypeSchema flow_trigger_schema();

// Its `states`, by default every terminal state (Kestra's State.Type.terminatedTypes());
// never CREATED, which Kestra's Flow trigger cannot react to. A templated `states` is
// decided later: every state. An alerting trigger's are alert_trigger_states.
StateMask flow_trigger_states(const TriggerDef& trigger);
// Executions of any flow but this one: a flow never triggers itself.
Constraint other_flows_than(const Flow& flow);
// The executions a Flow trigger of `flow` can fire on.
Constraint flow_trigger_constraint(const Flow& flow, const TriggerDef& trigger, const ConditionSet& conditions);

}  // namespace runwatch
