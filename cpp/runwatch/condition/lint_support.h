#pragma once
// What the lint's checks share.
#include <string>
#include <utility>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/condition/lint.h"

namespace runwatch {

ValidationIssue lint_warning(const Flow& flow, const std::string& path, SourcePos pos, std::string message);
// "FAILED, WARNING": the states of a mask, comma-separated.
std::string state_names(StateMask states);
// "ExecutionNamespace company.product*", "ExecutionFlow company.system.cleanup", ...
std::string summarize(const ConditionDef& condition);
// The constraint of one condition; unknown() when it does not compile (the loader or
// the engine reports that).
Constraint constraint_of(const ConditionDef& condition);
// The enabled Flow and Alert triggers of a flow (the lint treats an Alert trigger as a
// Flow trigger whose states are its firing and resolving ones).
std::vector<const TriggerDef*> flow_triggers(const Flow& flow);
// Those triggers with the executions they can fire on (preconditions included); one that
// does not compile fires on nothing and is left out (the loader reports it).
using TriggerConstraints = std::vector<std::pair<const TriggerDef*, Constraint>>;
TriggerConstraints trigger_constraints(const Flow& flow);
// The first of `triggers` that can fire on executions of `source`, if any.
const TriggerDef* trigger_fired_by(const TriggerConstraints& triggers, const Flow& source);

std::vector<ValidationIssue> never_firing_triggers(const Flow& flow);
std::vector<ValidationIssue> unseen_statuses(const Flow& flow);
std::vector<ValidationIssue> unknown_flow_references(const Flow& flow, const LintScope& scope);
std::vector<ValidationIssue> trigger_loops(const Flow& flow, const LintScope& scope);

}  // namespace runwatch
