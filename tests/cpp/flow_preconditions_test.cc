// Bad preconditions and MultipleCondition windows are load errors, each with its
// property path and the line and column of the value at fault.
#include <gtest/gtest.h>

#include "condition_test_support.h"
#include "runwatch/condition/windowed_conditions.h"
#include "runwatch/expr/template_cache.h"

namespace runwatch::testing {
namespace {

using Texts = std::vector<std::string>;

// A monitoring flow whose Flow trigger has these preconditions, from line 11, column 7.
std::string with_preconditions(const std::string& preconditions) {
  return "id: alert\nnamespace: company.monitoring\n"
         "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
         "triggers:\n  - id: upstream\n    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n" +
         indented(preconditions, "      ");
}

Texts issues_of(const std::string& yaml) {
  auto result = load_flow(yaml, "alert.yaml", {PluginRegistry::global()});
  EXPECT_FALSE(result.ok());
  Texts out;
  for (const auto& issue : result.issues) out.push_back(issue.to_string());
  return out;
}

TEST(FlowPreconditions, ValidPreconditionsLoad) {
  load_or_fail(with_preconditions("id: both\n"
                                  "flows:\n  - namespace: company.team\n    flowId: a\n    states: [FAILED]\n"
                                  "    labels:\n      team: data\n      tier: 1\n"
                                  "where:\n  - id: f\n    filters:\n      - field: STATE\n        type: NOT_IN\n"
                                  "        values: [SUCCESS]\n"
                                  "timeWindow:\n  type: SLIDING_WINDOW\n  window: PT1H\n"
                                  "resetOnSuccess: false\n"));
}

TEST(FlowPreconditions, TheIdAndSomeFlowsOrFiltersAreRequired) {
  EXPECT_EQ(issues_of(with_preconditions("timeWindow:\n  window: PT1H\n")),
            (Texts{"alert.yaml:11:7: error: triggers[0].preconditions.id: missing required property 'id'",
                   "alert.yaml:11:7: error: triggers[0].preconditions: at least one of 'flows', 'where' must be given "
                   "and not empty"}));
  EXPECT_EQ(issues_of(with_preconditions("id: 1 bad\nflows: []\nwhere: a\nextra: 1\n")),
            (Texts{"alert.yaml:11:7: error: triggers[0].preconditions: at least one of 'flows', 'where' must be given "
                   "and not empty",
                   "alert.yaml:11:11: error: triggers[0].preconditions.id: invalid id '1 bad': it must match "
                   "^[a-zA-Z0-9][a-zA-Z0-9_-]*$",
                   "alert.yaml:13:14: error: triggers[0].preconditions.where: 'where' must be a list",
                   "alert.yaml:14:14: error: triggers[0].preconditions.extra: unknown property 'extra'"}));
  EXPECT_EQ(issues_of(with_preconditions("- id: p\n")),
            (Texts{"alert.yaml:11:7: error: triggers[0].preconditions: 'preconditions' must be a mapping, not a list"}));
}

TEST(FlowPreconditions, EachUpstreamFlowIsChecked) {
  EXPECT_EQ(issues_of(with_preconditions("id: p\n"
                                         "flows:\n"
                                         "  - flowId: a\n"
                                         "    states: [FAILED, BROKEN]\n"
                                         "    labels: team\n"
                                         "  - namespace: company.team\n"
                                         "    flowid: b\n"
                                         "  - just a flow\n")),
            (Texts{"alert.yaml:13:11: error: triggers[0].preconditions.flows[0].namespace: missing required property "
                   "'namespace'",
                   "alert.yaml:14:19: error: triggers[0].preconditions.flows[0].states: unknown state \"BROKEN\"",
                   "alert.yaml:15:19: error: triggers[0].preconditions.flows[0].labels: 'labels' must be a mapping of "
                   "labels, not \"team\"",
                   "alert.yaml:17:19: error: triggers[0].preconditions.flows[1].flowid: unknown property 'flowid'",
                   "alert.yaml:18:11: error: triggers[0].preconditions.flows[2]: expected a mapping, not \"just a flow\""}));
}

TEST(FlowPreconditions, EachFilterIsChecked) {
  EXPECT_EQ(issues_of(with_preconditions("id: p\n"
                                         "where:\n"
                                         "  - operand: XOR\n"
                                         "    filters:\n"
                                         "      - field: LABEL\n        type: EQUALS\n        value: x\n"
                                         "      - field: FLOW_ID\n        type: IN\n        value: a\n"
                                         "      - field: FLOW_ID\n        type: EQUAL_TO\n        values: [a]\n"
                                         "      - field: NAMESPACE\n        type: REGEX\n        value: \"(\"\n"
                                         "      - type: IS_NULL\n        value: x\n"
                                         "  - id: empty\n    filters: []\n")),
            (Texts{"alert.yaml:13:11: error: triggers[0].preconditions.where[0].id: missing required property 'id'",
                   "alert.yaml:13:20: error: triggers[0].preconditions.where[0].operand: 'operand' must be one of AND, "
                   "OR, not 'XOR'",
                   "alert.yaml:15:22: error: triggers[0].preconditions.where[0].filters[0].field: 'field' must be one "
                   "of FLOW_ID, NAMESPACE, STATE, EXPRESSION, not 'LABEL'",
                   "alert.yaml:16:21: error: triggers[0].preconditions.where[0].filters[0].type: 'type' must be one of "
                   "EQUAL_TO, NOT_EQUAL_TO, IN, NOT_IN, IS_TRUE, IS_FALSE, IS_NULL, IS_NOT_NULL, STARTS_WITH, "
                   "ENDS_WITH, REGEX, CONTAINS, not 'EQUALS'",
                   "alert.yaml:18:15: error: triggers[0].preconditions.where[0].filters[1].values: `values` cannot be "
                   "null for type IN",
                   "alert.yaml:20:22: error: triggers[0].preconditions.where[0].filters[1].value: `value` must be null "
                   "for type IN",
                   "alert.yaml:21:15: error: triggers[0].preconditions.where[0].filters[2].value: `value` cannot be null "
                   "for type EQUAL_TO",
                   "alert.yaml:23:23: error: triggers[0].preconditions.where[0].filters[2].values: `values` must be null "
                   "for type EQUAL_TO",
                   "alert.yaml:26:22: error: triggers[0].preconditions.where[0].filters[3].value: invalid regular "
                   "expression '(': missing ): (",
                   "alert.yaml:27:15: error: triggers[0].preconditions.where[0].filters[4].field: missing required "
                   "property 'field'",
                   "alert.yaml:30:20: error: triggers[0].preconditions.where[1].filters: missing required property "
                   "'filters'"}));
}

TEST(FlowPreconditions, TheTimeWindowIsChecked) {
  EXPECT_EQ(issues_of(with_preconditions("id: p\n"
                                         "flows:\n  - namespace: company.team\n"
                                         "timeWindow:\n"
                                         "  type: DAILY_TIME_WINDOW\n"
                                         "  startTime: \"6 AM\"\n"
                                         "  window: 1h\n")),
            (Texts{"alert.yaml:15:9: error: triggers[0].preconditions.timeWindow.endTime: Time window of type "
                   "`DAILY_TIME_WINDOW` must have an end time.",
                   "alert.yaml:16:20: error: triggers[0].preconditions.timeWindow.startTime: invalid time '6 AM': "
                   "expected a time of day such as 09:00:00",
                   "alert.yaml:17:17: error: triggers[0].preconditions.timeWindow.window: Time window of type "
                   "`DAILY_TIME_WINDOW` cannot have a window.",
                   "alert.yaml:17:17: error: triggers[0].preconditions.timeWindow.window: invalid duration '1h': "
                   "expected an ISO-8601 duration such as PT1H"}));
}

TEST(FlowPreconditions, AMultipleConditionWindowIsChecked) {
  auto flow = monitoring_flow("alert", "company.monitoring",
                              "- id: bad id\n"
                              "  type: io.kestra.plugin.core.condition.MultipleCondition\n"
                              "  window: P1D\n"
                              "  timeWindow:\n"
                              "    type: DAILY_TIME_DEADLINE\n"
                              "  conditions:\n"
                              "    a:\n"
                              "      type: io.kestra.plugin.core.condition.ExecutionFlow\n"
                              "      namespace: company.team\n"
                              "      flowId: a\n");
  EXPECT_EQ(issues_of(flow),
            (Texts{"alert.yaml:11:13: error: triggers[0].conditions[0].id: invalid id 'bad id': it must match "
                   "^[a-zA-Z0-9][a-zA-Z0-9_-]*$",
                   "alert.yaml:15:11: error: triggers[0].conditions[0].timeWindow.window: Time window of type "
                   "`DAILY_TIME_DEADLINE` cannot have a window.",
                   "alert.yaml:15:11: error: triggers[0].conditions[0].timeWindow.deadline: Time window of type "
                   "`DAILY_TIME_DEADLINE` must have a deadline."}));
}

TEST(FlowPreconditions, ABadExpressionIsReportedAtItsValue) {
  auto yaml = with_preconditions("id: p\nwhere:\n  - id: f\n    filters:\n      - field: EXPRESSION\n"
                                 "        type: IS_TRUE\n        value: \"{{ labels.team == }}\"\n");
  auto result = load_flow(yaml, "alert.yaml", {PluginRegistry::global(), &expr::TemplateCache::global()});
  Texts issues;
  for (const auto& issue : result.issues) issues.push_back(issue.to_string());
  EXPECT_EQ(issues, Texts{"alert.yaml:17:41: error: triggers[0].preconditions.where[0].filters[0].value: template "
                          "error: Unexpected \"}}\", expected an expression"});
}

TEST(FlowPreconditions, CompilingBadPreconditionsNamesEveryProblem) {
  TriggerDef trigger;
  trigger.path = "triggers[2]";
  trigger.properties = {{"preconditions", {{"flows", Value::array({Value::object()})}}}};
  try {
    preconditions_of(trigger);
    FAIL() << "compiled";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "triggers[2].preconditions.id: missing required property 'id'; "
                 "triggers[2].preconditions.flows[0].namespace: missing required property 'namespace'");
  }
  EXPECT_FALSE(preconditions_of(TriggerDef{}).has_value());
}

}  // namespace
}  // namespace runwatch::testing
