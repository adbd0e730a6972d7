#include "runwatch/condition/lint.h"

#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/lint_support.h"
#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

std::string shown(const Value& value) { return value.is_string() ? value.get<std::string>() : dump_json(value); }

std::string joined(const Value& list, std::string_view separator) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : std::string(separator)) + shown(item);
  return out;
}

std::string namespace_pattern(const ConditionDef& condition) {
  std::string text = shown(property(condition, "namespace"));
  const auto& comparison = property(condition, "comparison");
  std::string kind = comparison.is_string() ? comparison.get<std::string>() : "";
  if (kind == "SUFFIX") return "*" + text;
  bool prefix = kind == "PREFIX" || (kind.empty() && property(condition, "prefix") == true);
  return prefix ? text + "*" : text;
}

std::string label_list(const Value& labels) {
  std::string out;
  auto add = [&](const std::string& key, const Value& value) {
    out += (out.empty() ? "" : ", ") + key + "=" + shown(value);
  };
  if (labels.is_object())
    for (const auto& [key, value] : labels.items()) add(key, value);
  else if (labels.is_array())
    for (const auto& item : labels) add(item.value("key", ""), item.value("value", Value()));
  return out;
}

}  // namespace

ValidationIssue lint_warning(const Flow& flow, const std::string& path, SourcePos pos, std::string message) {
  ValidationIssue issue;
  issue.file = flow.source_file;
  issue.path = path;
  issue.line = pos.line;
  issue.column = pos.column;
  issue.message = std::move(message);
  issue.severity = ValidationIssue::Severity::Warning;
  return issue;
}

std::string summarize(const ConditionDef& condition) {
  std::string type(short_type_name(condition.type));
  if (type == "ExecutionNamespace") return type + " " + namespace_pattern(condition);
  if (type == "ExecutionFlow")
    return type + " " + shown(property(condition, "namespace")) + "." + shown(property(condition, "flowId"));
  if (type == "ExecutionLabels") return type + " " + label_list(property(condition, "labels"));
  if (type == "ExecutionStatus") {
    std::string out = type;
    if (const auto& in = property(condition, "in"); in.is_array()) out += " in [" + joined(in, ", ") + "]";
    if (const auto& not_in = property(condition, "notIn"); not_in.is_array())
      out += " not in [" + joined(not_in, ", ") + "]";
    return out;
  }
  return type;
}

std::string state_names(StateMask states) {
  std::string names;
  for (State s : states_of(states)) names += (names.empty() ? "" : ", ") + std::string(to_string(s));
  return names;
}

Constraint constraint_of(const ConditionDef& condition) {
  try {
    return compile_condition(condition)->constraint();
  } catch (const Error&) {
    return Constraint::unknown();
  }
}

std::vector<const TriggerDef*> flow_triggers(const Flow& flow) {
  std::vector<const TriggerDef*> out;
  for (const auto& trigger : flow.triggers)
    if (!trigger.disabled && watches_executions(trigger)) out.push_back(&trigger);
  return out;
}

std::vector<ValidationIssue> lint_flow(const Flow& flow, const LintScope& scope) {
  std::vector<ValidationIssue> out;
  auto add = [&](std::vector<ValidationIssue> issues) { out.insert(out.end(), issues.begin(), issues.end()); };
  add(never_firing_triggers(flow));
  add(unseen_statuses(flow));
  if (scope.known()) {
    add(unknown_flow_references(flow, scope));
    add(trigger_loops(flow, scope));
  }
  return out;
}

}  // namespace runwatch
