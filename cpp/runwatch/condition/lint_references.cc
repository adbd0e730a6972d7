// ExecutionFlow conditions, precondition flows and dependsOn entries naming a flow that
// is not loaded: a typo, or a flow not deployed yet.
#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/lint_support.h"

namespace runwatch {
namespace {

bool is_loaded(const Flow& flow, const LintScope& scope, const std::string& ns, const std::string& id) {
  return (flow.ns == ns && flow.id == id) || scope.is_loaded(ns, id);
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

// The upstream flows of a Flow trigger listed at `key` (`preconditions.flows`, `dependsOn`)
// that give both a namespace and a flow id (the loader has checked their shape).
void check_upstream(const Flow& flow, const LintScope& scope, const TriggerDef& trigger, const Value& upstreams,
                    const std::string& key, const std::string& what, std::vector<ValidationIssue>& out) {
  if (!upstreams.is_array()) return;
  for (size_t i = 0; i < upstreams.size(); ++i) {
    const auto& upstream = upstreams[i];
    if (!upstream.is_object() || !upstream.contains("namespace") || !upstream.contains("flowId")) continue;
    const auto& ns = upstream["namespace"];
    const auto& id = upstream["flowId"];
    if (ns.is_string() && id.is_string() && !is_loaded(flow, scope, ns, id))
      out.push_back(lint_warning(
          flow, trigger.path + "." + key + "[" + std::to_string(i) + "]", trigger.pos,
          what + " " + ns.get<std::string>() + "." + id.get<std::string>() + ", which is not a loaded flow"));
  }
}

void check_upstreams(const Flow& flow, const LintScope& scope, const TriggerDef& trigger,
                     std::vector<ValidationIssue>& out) {
  static const Value absent;
  const auto& properties = trigger.properties;
  auto preconditions = properties.find("preconditions");
  if (preconditions != properties.end() && preconditions->is_object() && preconditions->contains("flows"))
    check_upstream(flow, scope, trigger, (*preconditions)["flows"], "preconditions.flows", "preconditions name", out);
  auto depends_on = properties.find("dependsOn");
  check_upstream(flow, scope, trigger, depends_on == properties.end() ? absent : *depends_on, "dependsOn",
                 "dependsOn names", out);
}

}  // namespace

std::vector<ValidationIssue> unknown_flow_references(const Flow& flow, const LintScope& scope) {
  std::vector<ValidationIssue> out;
  for (const auto& trigger : flow.triggers) {
    check(flow, scope, trigger.conditions, out);
    check_upstreams(flow, scope, trigger, out);
  }
  return out;
}

}  // namespace runwatch
