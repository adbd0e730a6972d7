#include "runwatch/condition/schemas.h"

#include "runwatch/condition/windowed_conditions.h"

namespace runwatch {
namespace {

using T = PropertyType;

// A condition under its current name, with Kestra's aliases: the XCondition spelling in
// the same package and the legacy io.kestra.core.models.conditions.types package.
TypeSchema condition(const std::string& short_name, std::string description, std::vector<PropertySpec> properties) {
  TypeSchema schema;
  schema.kind = PluginKind::Condition;
  schema.name = "io.kestra.plugin.core.condition." + short_name;
  std::string legacy = short_name.ends_with("Condition") ? short_name : short_name + "Condition";
  if (legacy != short_name) schema.aliases.push_back("io.kestra.plugin.core.condition." + legacy);
  schema.aliases.push_back("io.kestra.core.models.conditions.types." + legacy);
  schema.description = std::move(description);
  schema.properties = std::move(properties);
  return schema;
}

PropertySpec date_to_test() {
  return make_property("date", T::String, false, "The date to test; by default the trigger's date.", "{{ trigger.date }}");
}

PropertySpec day_of_week() {
  return make_property("dayOfWeek", T::String, true, "The day of the week.", nullptr,
              {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"});
}

PropertySpec nested_conditions(std::string description) {
  return make_property("conditions", T::Conditions, true, std::move(description));
}

}  // namespace

std::vector<TypeSchema> condition_schemas() {
  std::vector<TypeSchema> out;
  out.push_back(condition("ExecutionStatus", "The execution's state is in `in` and not in `notIn`.",
                          {make_property("in", T::StateList, false, "States that are authorized."),
                           make_property("notIn", T::StateList, false, "States that are not authorized.")}));
  out.push_back(condition(
      "ExecutionNamespace", "The execution's namespace matches.",
      {make_property("namespace", T::String, true, "The namespace to compare the execution's namespace with."),
       make_property("comparison", T::String, false, "EQUALS, PREFIX or SUFFIX; EQUALS when not set (or PREFIX with prefix: true).",
            nullptr, {"EQUALS", "PREFIX", "SUFFIX"}),
       make_property("prefix", T::Boolean, false, "Shortcut for comparison: PREFIX; used only when comparison is not set.", false)}));
  out.push_back(condition("ExecutionFlow", "The execution is of this flow.",
                          {make_property("namespace", T::String, true, "The namespace of the flow."),
                           make_property("flowId", T::String, true, "The id of the flow.")}));
  out.push_back(condition("ExecutionLabels", "The execution carries all these labels.",
                          {make_property("labels", T::Any, true, "The labels, as a mapping or a list of {key, value}.")}));
  out.push_back(condition("ExecutionOutputs", "An expression over the execution's outputs (`trigger.outputs`) is true.",
                          {make_property("expression", T::String, true, "The expression; false when the execution has no outputs.")}));
  auto expression = condition("Expression", "An expression is true (not empty, blank or 'false').",
                              {make_property("expression", T::String, true, "The expression to evaluate.")});
  expression.aliases = {"io.kestra.plugin.core.condition.ExpressionCondition",
                        "io.kestra.core.models.conditions.types.VariableCondition"};
  out.push_back(std::move(expression));
  out.push_back(condition("Or", "At least one of the conditions holds.",
                          {nested_conditions("The conditions, one of which must hold.")}));
  out.push_back(condition("Not", "None of the conditions holds.",
                          {nested_conditions("The conditions, none of which may hold.")}));
  out.push_back(condition("HasRetryAttempt", "A task run of the execution was retried and an attempt's state matches.",
                          {make_property("in", T::StateList, false, "Attempt states that are authorized."),
                           make_property("notIn", T::StateList, false, "Attempt states that are not authorized.")}));
  out.push_back(condition("DayWeek", "The date is on this day of the week.", {date_to_test(), day_of_week()}));
  out.push_back(condition("DayWeekInMonth", "The date is the first, second, ... or last such weekday of its month.",
                          {date_to_test(), day_of_week(),
                           make_property("dayInMonth", T::String, true, "Which one of the month's such weekdays.", nullptr,
                                {"FIRST", "LAST", "SECOND", "THIRD", "FOURTH"})}));
  out.push_back(condition("Weekend", "The date is a Saturday or a Sunday.", {date_to_test()}));
  out.push_back(condition("TimeBetween", "The time of the date is between two times with offset (16:00:00+02:00).",
                          {date_to_test(), make_property("after", T::String, false, "The time must be after this one."),
                           make_property("before", T::String, false, "The time must be before this one.")}));
  out.push_back(condition("DateTimeBetween", "The date is between two date-times with zone.",
                          {date_to_test(), make_property("after", T::String, false, "The date must not be before this one."),
                           make_property("before", T::String, false, "The date must not be after this one.")}));
  auto multiple = condition(
      "MultipleCondition", "Deprecated in Kestra: all named conditions matched within a time window.",
      {make_property("id", T::String, true, "A unique id for the condition: it keys the window's stored results."),
       make_property("conditions", T::Conditions, true, "The named conditions, as a mapping of name to condition."),
       make_property("window", T::Duration, false, "Sets timeWindow.window (deprecated in Kestra)."),
       make_property("windowAdvance", T::Duration, false, "Sets timeWindow.windowAdvance (deprecated in Kestra)."),
       make_property("timeWindow", T::Map, false, "The time window (type, window, windowAdvance, deadline, startTime, endTime, timezone); one day from midnight when not set."),
       make_property("sla", T::Map, false, "The time window under its earlier name."),
       make_property("resetOnSuccess", T::Boolean, false, "Whether the results reset once all conditions matched.", true)});
  multiple.check = check_multiple_condition_properties;
  out.push_back(std::move(multiple));
  out.push_back(condition("FlowCondition", "Deprecated in Kestra: the triggered flow is this one.",
                          {make_property("namespace", T::String, true, "The namespace of the flow."),
                           make_property("flowId", T::String, true, "The id of the flow.")}));
  out.push_back(condition("FlowNamespaceCondition", "Deprecated in Kestra: the triggered flow's namespace matches.",
                          {make_property("namespace", T::String, true, "The namespace, or its prefix when prefix is true."),
                           make_property("prefix", T::Boolean, false, "Whether namespace is a prefix.", false)}));
  return out;
}

}  // namespace runwatch
