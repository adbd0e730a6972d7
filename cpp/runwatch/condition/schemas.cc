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
  return {.name = "date",
          .type = T::String,
          .description = "The date to test; by default the trigger's date.",
          .default_value = "{{ trigger.date }}"};
}

PropertySpec day_of_week() {
  return {.name = "dayOfWeek",
          .type = T::String,
          .required = true,
          .description = "The day of the week.",
          .allowed_values = {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}};
}

PropertySpec nested_conditions(std::string description) {
  return {.name = "conditions", .type = T::Conditions, .required = true, .description = std::move(description)};
}

}  // namespace

std::vector<TypeSchema> condition_schemas() {
  std::vector<TypeSchema> out;
  out.push_back(condition("ExecutionStatus", "The execution's state is in `in` and not in `notIn`.",
                          {{.name = "in", .type = T::StateList, .description = "States that are authorized."},
                           {.name = "notIn", .type = T::StateList, .description = "States that are not authorized."}}));
  out.push_back(
      condition("ExecutionNamespace", "The execution's namespace matches.",
                {{.name = "namespace",
                  .type = T::String,
                  .required = true,
                  .description = "The namespace to compare the execution's namespace with."},
                 {.name = "comparison",
                  .type = T::String,
                  .description = "EQUALS, PREFIX or SUFFIX; EQUALS when not set (or PREFIX with prefix: true).",
                  .allowed_values = {"EQUALS", "PREFIX", "SUFFIX"}},
                 {.name = "prefix",
                  .type = T::Boolean,
                  .description = "Shortcut for comparison: PREFIX; used only when comparison is not set.",
                  .default_value = false}}));
  out.push_back(condition(
      "ExecutionFlow", "The execution is of this flow.",
      {{.name = "namespace", .type = T::String, .required = true, .description = "The namespace of the flow."},
       {.name = "flowId", .type = T::String, .required = true, .description = "The id of the flow."}}));
  out.push_back(condition("ExecutionLabels", "The execution carries all these labels.",
                          {{.name = "labels",
                            .type = T::Any,
                            .required = true,
                            .description = "The labels, as a mapping or a list of {key, value}."}}));
  out.push_back(condition("ExecutionOutputs", "An expression over the execution's outputs (`trigger.outputs`) is true.",
                          {{.name = "expression",
                            .type = T::String,
                            .required = true,
                            .description = "The expression; false when the execution has no outputs."}}));
  auto expression = condition(
      "Expression", "An expression is true (not empty, blank or 'false').",
      {{.name = "expression", .type = T::String, .required = true, .description = "The expression to evaluate."}});
  expression.aliases = {"io.kestra.plugin.core.condition.ExpressionCondition",
                        "io.kestra.core.models.conditions.types.VariableCondition"};
  out.push_back(std::move(expression));
  out.push_back(condition("Or", "At least one of the conditions holds.",
                          {nested_conditions("The conditions, one of which must hold.")}));
  out.push_back(condition("Not", "None of the conditions holds.",
                          {nested_conditions("The conditions, none of which may hold.")}));
  out.push_back(
      condition("HasRetryAttempt", "A task run of the execution was retried and an attempt's state matches.",
                {{.name = "in", .type = T::StateList, .description = "Attempt states that are authorized."},
                 {.name = "notIn", .type = T::StateList, .description = "Attempt states that are not authorized."}}));
  out.push_back(condition("DayWeek", "The date is on this day of the week.", {date_to_test(), day_of_week()}));
  out.push_back(condition("DayWeekInMonth", "The date is the first, second, ... or last such weekday of its month.",
                          {date_to_test(),
                           day_of_week(),
                           {.name = "dayInMonth",
                            .type = T::String,
                            .required = true,
                            .description = "Which one of the month's such weekdays.",
                            .allowed_values = {"FIRST", "LAST", "SECOND", "THIRD", "FOURTH"}}}));
  out.push_back(condition("Weekend", "The date is a Saturday or a Sunday.", {date_to_test()}));
  out.push_back(condition("TimeBetween", "The time of the date is between two times with offset (16:00:00+02:00).",
                          {date_to_test(),
                           {.name = "after", .type = T::String, .description = "The time must be after this one."},
                           {.name = "before", .type = T::String, .description = "The time must be before this one."}}));
  out.push_back(
      condition("DateTimeBetween", "The date is between two date-times with zone.",
                {date_to_test(),
                 {.name = "after", .type = T::String, .description = "The date must not be before this one."},
                 {.name = "before", .type = T::String, .description = "The date must not be after this one."}}));
  auto multiple = condition(
      "MultipleCondition", "Deprecated in Kestra: all named conditions matched within a time window.",
      {{.name = "id",
        .type = T::String,
        .required = true,
        .description = "A unique id for the condition: it keys the window's stored results."},
       {.name = "conditions",
        .type = T::Conditions,
        .required = true,
        .description = "The named conditions, as a mapping of name to condition."},
       {.name = "window", .type = T::Duration, .description = "Sets timeWindow.window (deprecated in Kestra)."},
       {.name = "windowAdvance",
        .type = T::Duration,
        .description = "Sets timeWindow.windowAdvance (deprecated in Kestra)."},
       {.name = "timeWindow",
        .type = T::Map,
        .description = "The time window (type, window, windowAdvance, deadline, startTime, endTime, timezone); one day "
                       "from midnight when not set."},
       {.name = "sla", .type = T::Map, .description = "The time window under its earlier name."},
       {.name = "resetOnSuccess",
        .type = T::Boolean,
        .description = "Whether the results reset once all conditions matched.",
        .default_value = true}});
  multiple.check = check_multiple_condition_properties;
  out.push_back(std::move(multiple));
  out.push_back(condition(
      "FlowCondition", "Deprecated in Kestra: the triggered flow is this one.",
      {{.name = "namespace", .type = T::String, .required = true, .description = "The namespace of the flow."},
       {.name = "flowId", .type = T::String, .required = true, .description = "The id of the flow."}}));
  out.push_back(condition("FlowNamespaceCondition", "Deprecated in Kestra: the triggered flow's namespace matches.",
                          {{.name = "namespace",
                            .type = T::String,
                            .required = true,
                            .description = "The namespace, or its prefix when prefix is true."},
                           {.name = "prefix",
                            .type = T::Boolean,
                            .description = "Whether namespace is a prefix.",
                            .default_value = false}}));
  return out;
}

}  // namespace runwatch
