#include "runwatch/condition/condition.h"

#include <map>

#include "runwatch/condition/condition_types.h"

namespace runwatch {

CompiledConditionPtr compile(const ConditionDef& definition) {
  using Compiler = CompiledConditionPtr (*)(const ConditionDef&);
  // By canonical name, as the flow loader resolves aliases to it.
  static const std::map<std::string, Compiler, std::less<>> compilers = {
      {"ExecutionStatus", compile_execution_status},
      {"ExecutionNamespace", compile_execution_namespace},
      {"ExecutionFlow", compile_execution_flow},
      {"ExecutionLabels", compile_execution_labels},
      {"ExecutionOutputs", compile_execution_outputs},
      {"Expression", compile_expression},
      {"Or", compile_or},
      {"Not", compile_not},
      {"HasRetryAttempt", compile_has_retry_attempt},
      {"DayWeek", compile_day_week},
      {"DayWeekInMonth", compile_day_week_in_month},
      {"Weekend", compile_weekend},
      {"TimeBetween", compile_time_between},
      {"DateTimeBetween", compile_date_time_between},
      {"MultipleCondition", compile_multiple_condition},
      {"FlowCondition", compile_flow_condition},
      {"FlowNamespaceCondition", compile_flow_namespace_condition},
  };
  constexpr std::string_view package = "io.kestra.plugin.core.condition.";
  std::string_view type = definition.type;
  auto it = type.starts_with(package) ? compilers.find(type.substr(package.size())) : compilers.end();
  if (it == compilers.end()) throw Error(definition.path + ": unknown condition type '" + definition.type + "'");
  return it->second(definition);
}

std::unique_ptr<const Condition> compile_condition(const ConditionDef& definition) { return compile(definition); }

ConditionSet::ConditionSet(const std::vector<ConditionDef>& definitions) {
  for (const auto& d : definitions) conditions_.push_back(compile_condition(d));
}

bool ConditionSet::matches(const ConditionInput& input, std::string* why) const {
  for (const auto& condition : conditions_)
    if (!condition->matches(input, why)) return false;
  return true;
}

Constraint ConditionSet::constraint() const {
  Constraint out = Constraint::everything();
  for (const auto& condition : conditions_) out = out.intersect(condition->constraint());
  return out;
}

}  // namespace runwatch
