// ExecutionFlow conditions and precondition flows naming a flow that is not loaded: a
// typo, or a flow not deployed yet.
#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/lint_support.h"

namespace runwatch {
namespace {

bool is_loaded(const Flow& flow, const LintScope& scope, const std::string& ns, const std::string& id) {
  if (flow.ns == ns && flow.id == id) return true;
  for (const auto* other : scope.flows)
    if (other->ns == ns && other->id == id) return true;
  return false;
}

void check(const Flow& flow, const LintScope& scope, const std::vector<ConditionDef>& conditions,
           std::vector<ValidationIssue>& out) {
  for (const auto& condition : conditions) {
    const auto& ns = property(condition, "namespace");
    const auto& id = property(condition, "flowId");
    if (short_type_name(condition.type) == "ExecutionFlow" && ns.is_string() && id.is_string() &&
        !is_loaded(flow, scope, ns, id))
      out.push_back(lint_warning(flow, condition.path, condition.pos,
                                 "ExecutionFlow names " + ns.get<std::string>() + "." + id.get<std::string>() +
                                     ", which is not a loaded flow"));
    check(flow, scope, condition.conditions, out);
  }
}

// The `flows` of a Flow trigger's preconditions (the loader has checked their shape).
void check_preconditions(const Flow& flow, const LintScope& scope, const TriggerDef& trigger,
                         std::vector<ValidationIssue>& out) {
  auto preconditions = trigger.properties.find("preconditions");
  if (preconditions == trigger.properties.end() || !preconditions->is_object()) return;
  auto flows = preconditions->find("flows");
  if (flows == preconditions->end() || !flows->is_array()) return;
  for (size_t i = 0; i < flows->size(); ++i) {
    const auto& upstream = (*flows)[i];
    if (!upstream.is_object() || !upstream.contains("namespace") || !upstream.contains("flowId")) continue;
    const auto& ns = upstream["namespace"];
    const auto& id = upstream["flowId"];
    if (ns.is_string() && id.is_string() && !is_loaded(flow, scope, ns, id))
      out.push_back(lint_warning(flow, trigger.path + ".preconditions.flows[" + std::to_string(i) + "]", trigger.pos,
                                 "preconditions name " + ns.get<std::string>() + "." + id.get<std::string>() +
                                     ", which is not a loaded flow"));
  }
}

}  // namespace

std::vector<ValidationIssue> unknown_flow_references(const Flow& flow, const LintScope& scope) {
  std::vector<ValidationIssue> out;
  for (const auto& trigger : flow.triggers) {
    check(flow, scope, trigger.conditions, out);
    check_preconditions(flow, scope, trigger, out);
  }
  return out;
}

}  // namespace runwatch
