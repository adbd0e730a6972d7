// Each condition type with Kestra's semantics, evaluated on executions and dates, and
// the errors of conditions that cannot be compiled or evaluated.
#include "condition_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono;
using testing::condition_from;
using testing::conditions_from;
using testing::execution_of;

TimePoint at(std::string_view iso) { return *parse_instant(iso); }

class ConditionTypes : public ::testing::Test {
 protected:
  bool holds(const std::string& yaml, const Execution& execution, std::string* why = nullptr) {
    ConditionInput input{&execution, at("2024-01-01T10:00:00Z"), &variables};
    return compile_condition(condition_from(yaml))->matches(input, why);
  }
  bool holds_on(const std::string& yaml, std::string_view date, std::string* why = nullptr) {
    ConditionInput input{nullptr, at(date), &variables};
    return compile_condition(condition_from(yaml))->matches(input, why);
  }
  // The message of the Error compiling the condition throws.
  std::string compile_error(const std::string& yaml) {
    try {
      compile_condition(condition_from(yaml));
    } catch (const Error& e) {
      return e.what();
    }
    return "(compiled)";
  }

  Value variables = {{"flow", {{"namespace", "company.monitoring"}, {"id", "monitor"}}},
                     {"inputs", {{"after", "16:00:00+02:00"}, {"bad", "not a time"}}}};
};

const std::string kFailedOrWarning = R"(- type: io.kestra.plugin.core.condition.ExecutionStatus
  in: [FAILED, WARNING])";

TEST_F(ConditionTypes, ExecutionStatusIn) {
  EXPECT_TRUE(holds(kFailedOrWarning, execution_of("a", "f", State::FAILED)));
  EXPECT_TRUE(holds(kFailedOrWarning, execution_of("a", "f", State::WARNING)));
  EXPECT_FALSE(holds(kFailedOrWarning, execution_of("a", "f", State::SUCCESS)));
}

TEST_F(ConditionTypes, ExecutionStatusNotInAndBoth) {
  const std::string not_success = "- type: io.kestra.plugin.core.condition.ExecutionStatusCondition\n  notIn: [SUCCESS]";
  EXPECT_FALSE(holds(not_success, execution_of("a", "f", State::SUCCESS)));
  EXPECT_TRUE(holds(not_success, execution_of("a", "f", State::KILLED)));
  const std::string both =
      "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [FAILED, WARNING]\n  notIn: [WARNING]";
  EXPECT_TRUE(holds(both, execution_of("a", "f", State::FAILED)));
  EXPECT_FALSE(holds(both, execution_of("a", "f", State::WARNING)));
}

TEST_F(ConditionTypes, ExecutionStatusWithoutListsHoldsForEveryState) {
  EXPECT_TRUE(holds("- type: io.kestra.plugin.core.condition.ExecutionStatus", execution_of("a", "f", State::RUNNING)));
}

TEST_F(ConditionTypes, ExecutionStatusTemplatedListRenders) {
  variables["alerting"] = Value::array({"FAILED"});
  const std::string templated = "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: \"{{ alerting }}\"";
  EXPECT_TRUE(holds(templated, execution_of("a", "f", State::FAILED)));
  EXPECT_FALSE(holds(templated, execution_of("a", "f", State::SUCCESS)));
  EXPECT_FALSE(compile_condition(condition_from(templated))->constraint().is_exact());
}

TEST_F(ConditionTypes, ExecutionConditionsNeedAnExecution) {
  std::string why;
  EXPECT_FALSE(holds_on(kFailedOrWarning, "2024-01-01T10:00:00Z", &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (ExecutionStatus): Invalid condition with null execution");
}

TEST_F(ConditionTypes, ExecutionNamespacePrefixHasNoDotBoundary) {
  const std::string prefix = "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company.product\n  prefix: true";
  EXPECT_TRUE(holds(prefix, execution_of("company.product", "f", State::FAILED)));
  EXPECT_TRUE(holds(prefix, execution_of("company.product.sub", "f", State::FAILED)));
  EXPECT_TRUE(holds(prefix, execution_of("company.productivity", "f", State::FAILED)));
  EXPECT_FALSE(holds(prefix, execution_of("company", "f", State::FAILED)));
}

TEST_F(ConditionTypes, ExecutionNamespaceComparisons) {
  const std::string equals = "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company.product";
  EXPECT_TRUE(holds(equals, execution_of("company.product", "f", State::FAILED)));
  EXPECT_FALSE(holds(equals, execution_of("company.product.sub", "f", State::FAILED)));
  const std::string suffix =
      "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: product\n  comparison: SUFFIX";
  EXPECT_TRUE(holds(suffix, execution_of("company.product", "f", State::FAILED)));
  EXPECT_FALSE(holds(suffix, execution_of("company.product.sub", "f", State::FAILED)));
  // comparison wins over prefix.
  const std::string both = "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company\n"
                           "  comparison: EQUALS\n  prefix: true";
  EXPECT_FALSE(holds(both, execution_of("company.product", "f", State::FAILED)));
  const std::string prefix = "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company\n  comparison: PREFIX";
  EXPECT_TRUE(holds(prefix, execution_of("company.product", "f", State::FAILED)));
}

TEST_F(ConditionTypes, ExecutionFlowNeedsNamespaceAndId) {
  const std::string flow =
      "- type: io.kestra.plugin.core.condition.ExecutionFlow\n  namespace: company.system\n  flowId: cleanup";
  EXPECT_TRUE(holds(flow, execution_of("company.system", "cleanup", State::SUCCESS)));
  EXPECT_FALSE(holds(flow, execution_of("company.system", "etl", State::SUCCESS)));
  EXPECT_FALSE(holds(flow, execution_of("company.product", "cleanup", State::SUCCESS)));
}

TEST_F(ConditionTypes, ExecutionLabelsAsMappingOrList) {
  const std::string mapping =
      "- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n    owner: john.doe\n    env: prod";
  const std::string list = "- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n"
                           "    - key: owner\n      value: john.doe\n    - key: env\n      value: prod";
  for (const auto& yaml : {mapping, list}) {
    EXPECT_TRUE(holds(yaml, execution_of("a", "f", State::FAILED, {{"env", "prod"}, {"owner", "john.doe"}, {"x", "y"}})));
    EXPECT_FALSE(holds(yaml, execution_of("a", "f", State::FAILED, {{"env", "prod"}})));
    EXPECT_FALSE(holds(yaml, execution_of("a", "f", State::FAILED, {{"env", "dev"}, {"owner", "john.doe"}})));
  }
  const std::string number = "- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n    version: 2";
  EXPECT_TRUE(holds(number, execution_of("a", "f", State::FAILED, {{"version", "2"}})));
}

TEST_F(ConditionTypes, ExecutionLabelsOfAnotherShapeDoNotCompile) {
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels: prod"),
            "triggers[0].conditions[0].labels: must be a mapping of labels or a list of {key, value}");
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n    - env"),
            "triggers[0].conditions[0].labels: each item of a list of labels must be a mapping with a key and a value");
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n    env: [a]"),
            "triggers[0].conditions[0].labels: a label's key and value must be strings, not [\"a\"]");
}

TEST_F(ConditionTypes, ExpressionTruthiness) {
  auto expression = [](const std::string& text) {
    return "- type: io.kestra.plugin.core.condition.Expression\n  expression: \"" + text + "\"";
  };
  auto e = execution_of("a", "f", State::FAILED);
  EXPECT_TRUE(holds(expression("{{ 1 > 0 }}"), e));
  EXPECT_FALSE(holds(expression("{{ 1 > 2 }}"), e));
  EXPECT_FALSE(holds(expression(" false "), e));
  EXPECT_FALSE(holds(expression("   "), e));
  EXPECT_FALSE(holds(expression("{{ '' }}"), e));
  EXPECT_TRUE(holds(expression("no"), e));   // only blank and "false" are false
  EXPECT_TRUE(holds(expression("False"), e));  // String.equals("false") is case-sensitive
  EXPECT_TRUE(holds(expression("{{ flow.namespace == 'company.monitoring' }}"), e));
}

TEST_F(ConditionTypes, ExpressionThatFailsIsFalseAndSaysWhy) {
  std::string why;
  EXPECT_FALSE(holds("- type: io.kestra.plugin.core.condition.Expression\n  expression: \"{{ nowhere.x }}\"",
                     execution_of("a", "f", State::FAILED), &why));
  EXPECT_TRUE(why.starts_with("triggers[0].conditions[0] (Expression): Unable to find `nowhere`")) << why;
  ConditionInput no_variables{nullptr, {}, nullptr};
  auto condition = compile_condition(condition_from("- type: io.kestra.plugin.core.condition.Expression\n  expression: \"{{ true }}\""));
  EXPECT_FALSE(condition->matches(no_variables, &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (Expression): no variables to render the expression with");
  EXPECT_TRUE(compile_condition(condition_from("- type: io.kestra.plugin.core.condition.Expression\n  expression: yes"))
                  ->matches(no_variables, nullptr));  // a constant needs no variables
}

TEST_F(ConditionTypes, ExpressionSyntaxErrorDoesNotCompile) {
  auto message = compile_error("- type: io.kestra.plugin.core.condition.Expression\n  expression: \"{{ 1 + }}\"");
  EXPECT_TRUE(message.starts_with("triggers[0].conditions[0].expression: ")) << message;
}

TEST_F(ConditionTypes, ExecutionOutputs) {
  const std::string yaml = "- type: io.kestra.plugin.core.condition.ExecutionOutputs\n"
                           "  expression: \"{{ trigger.outputs.hello.value == 'hello' }}\"";
  auto e = execution_of("a", "f", State::SUCCESS);
  EXPECT_FALSE(holds(yaml, e));  // no outputs: false without evaluating
  TaskRun hello;
  hello.task_id = "hello";
  hello.outputs = {{"value", "hello"}};
  e.task_runs.push_back(hello);
  EXPECT_TRUE(holds(yaml, e));
  e.task_runs[0].outputs["value"] = "bye";
  EXPECT_FALSE(holds(yaml, e));
  std::string why;
  EXPECT_FALSE(holds("- type: io.kestra.plugin.core.condition.ExecutionOutputs\n  expression: \"{{ trigger.outputs.hello.value }}\"",
                     e, &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (ExecutionOutputs): the expression must give true or false, not \"bye\"");
}

TEST_F(ConditionTypes, OrAndNot) {
  const std::string either = R"(- type: io.kestra.plugin.core.condition.OrCondition
  conditions:
    - type: io.kestra.plugin.core.condition.ExecutionNamespace
      namespace: company.product
      prefix: true
    - type: io.kestra.plugin.core.condition.ExecutionFlow
      namespace: company.system
      flowId: cleanup)";
  EXPECT_TRUE(holds(either, execution_of("company.product.sub", "etl", State::FAILED)));
  EXPECT_TRUE(holds(either, execution_of("company.system", "cleanup", State::FAILED)));
  EXPECT_FALSE(holds(either, execution_of("company.system", "etl", State::FAILED)));
  const std::string neither = R"(- type: io.kestra.plugin.core.condition.Not
  conditions:
    - type: io.kestra.plugin.core.condition.ExecutionStatus
      in: [SUCCESS]
    - type: io.kestra.plugin.core.condition.ExecutionNamespace
      namespace: other)";
  EXPECT_TRUE(holds(neither, execution_of("company", "f", State::FAILED)));
  EXPECT_FALSE(holds(neither, execution_of("company", "f", State::SUCCESS)));
  EXPECT_FALSE(holds(neither, execution_of("other", "f", State::FAILED)));
}

TEST_F(ConditionTypes, AFailingChildFailsOrAndNotAsAWhole) {
  const std::string either = R"(- type: io.kestra.plugin.core.condition.Or
  conditions:
    - type: io.kestra.plugin.core.condition.Expression
      expression: "{{ missing }}"
    - type: io.kestra.plugin.core.condition.ExecutionStatus
      in: [FAILED])";
  std::string why;
  EXPECT_FALSE(holds(either, execution_of("a", "f", State::FAILED), &why));
  EXPECT_TRUE(why.starts_with("triggers[0].conditions[0].conditions[0] (Expression): Unable to find `missing`")) << why;
  const std::string neither = R"(- type: io.kestra.plugin.core.condition.Not
  conditions:
    - type: io.kestra.plugin.core.condition.Expression
      expression: "{{ missing }}")";
  EXPECT_FALSE(holds(neither, execution_of("a", "f", State::FAILED)));
}

TEST_F(ConditionTypes, MultipleConditionAloneCannotBeDecidedOnOneEvent) {
  const std::string multiple = R"(- type: io.kestra.plugin.core.condition.MultipleCondition
  id: both
  conditions:
    failed:
      type: io.kestra.plugin.core.condition.ExecutionStatus
      in: [FAILED]
    product:
      type: io.kestra.plugin.core.condition.ExecutionNamespace
      namespace: company.product)";
  std::string why;
  EXPECT_FALSE(holds(multiple, execution_of("company.product", "f", State::FAILED), &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (MultipleCondition): a MultipleCondition holds over a time window: only a "
                 "Flow trigger can evaluate it");
  auto constraint = compile_condition(condition_from(multiple))->constraint();
  EXPECT_FALSE(constraint.is_exact());
  // The union: an event completing a window meets one of the named conditions.
  EXPECT_TRUE(constraint.contains("company", "f", State::FAILED, {}));
  EXPECT_FALSE(constraint.contains("company", "f", State::SUCCESS, {}));
}

TEST_F(ConditionTypes, HasRetryAttempt) {
  auto e = execution_of("a", "f", State::SUCCESS);
  TaskRun retried;
  retried.attempts = {Attempt{StateHistory(State::FAILED)}, Attempt{StateHistory(State::SUCCESS)}};
  TaskRun once;
  once.attempts = {Attempt{StateHistory(State::KILLED)}};
  e.task_runs = {once};
  const std::string failed = "- type: io.kestra.plugin.core.condition.HasRetryAttempt\n  in: [FAILED]";
  const std::string killed = "- type: io.kestra.plugin.core.condition.HasRetryAttempt\n  in: [KILLED]";
  EXPECT_FALSE(holds(failed, e));
  e.task_runs.push_back(retried);
  EXPECT_TRUE(holds(failed, e));
  EXPECT_FALSE(holds(killed, e));  // the KILLED attempt is of a task run tried once
  EXPECT_TRUE(holds("- type: io.kestra.plugin.core.condition.HasRetryAttempt", e));
  EXPECT_FALSE(holds("- type: io.kestra.plugin.core.condition.HasRetryAttempt\n  notIn: [FAILED, SUCCESS]", e));
  EXPECT_TRUE(holds("- type: io.kestra.plugin.core.condition.HasRetryAttempt\n  notIn: [FAILED]", e));
}

TEST_F(ConditionTypes, DayWeekOnTheTriggerDateOrAGivenDate) {
  const std::string monday = "- type: io.kestra.plugin.core.condition.DayWeek\n  dayOfWeek: MONDAY";
  EXPECT_TRUE(holds_on(monday, "2024-01-01T10:00:00Z"));
  EXPECT_FALSE(holds_on(monday, "2024-01-02T10:00:00Z"));
  // The local date in the date's own zone: still Monday at -02:00.
  const std::string given = monday + "\n  date: \"2024-01-01T23:30:00-02:00\"";
  EXPECT_TRUE(holds_on(given, "2024-01-05T10:00:00Z"));
  EXPECT_TRUE(holds_on(monday + "\n  date: \"2024-01-08\"", "2024-01-05T10:00:00Z"));
  std::string why;
  EXPECT_FALSE(holds_on(monday + "\n  date: \"{{ flow.id }}\"", "2024-01-05T10:00:00Z", &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (DayWeek): invalid zoned date-time 'monitor'");
}

TEST_F(ConditionTypes, DayWeekInMonth) {
  auto in_month = [](const std::string& which) {
    return "- type: io.kestra.plugin.core.condition.DayWeekInMonth\n  dayOfWeek: MONDAY\n  dayInMonth: " + which;
  };
  // The Mondays of January 2024: 1, 8, 15, 22, 29.
  EXPECT_TRUE(holds_on(in_month("FIRST"), "2024-01-01T10:00:00Z"));
  EXPECT_FALSE(holds_on(in_month("SECOND"), "2024-01-01T10:00:00Z"));
  EXPECT_TRUE(holds_on(in_month("SECOND"), "2024-01-08T10:00:00Z"));
  EXPECT_TRUE(holds_on(in_month("THIRD"), "2024-01-15T10:00:00Z"));
  EXPECT_TRUE(holds_on(in_month("FOURTH"), "2024-01-22T10:00:00Z"));
  EXPECT_FALSE(holds_on(in_month("LAST"), "2024-01-22T10:00:00Z"));
  EXPECT_TRUE(holds_on(in_month("LAST"), "2024-01-29T10:00:00Z"));
  EXPECT_FALSE(holds_on(in_month("FOURTH"), "2024-01-29T10:00:00Z"));
  EXPECT_FALSE(holds_on(in_month("FIRST"), "2024-01-02T10:00:00Z"));  // a Tuesday
  EXPECT_TRUE(holds_on(in_month("LAST"), "2024-02-26T10:00:00Z"));   // leap February
}

TEST_F(ConditionTypes, Weekend) {
  const std::string weekend = "- type: io.kestra.plugin.core.condition.Weekend";
  EXPECT_TRUE(holds_on(weekend, "2024-01-06T10:00:00Z"));
  EXPECT_TRUE(holds_on(weekend, "2024-01-07T23:59:59Z"));
  EXPECT_FALSE(holds_on(weekend, "2024-01-08T00:00:00Z"));
}

TEST_F(ConditionTypes, TimeBetweenComparesOffsetTimesStrictly) {
  const std::string afternoon = "- type: io.kestra.plugin.core.condition.TimeBetween\n"
                                "  after: \"16:00:00+02:00\"\n  before: \"20:00:00+02:00\"";
  EXPECT_TRUE(holds_on(afternoon, "2024-01-01T15:00:00Z"));   // 17:00+02:00
  EXPECT_FALSE(holds_on(afternoon, "2024-01-01T14:00:00Z"));  // 16:00+02:00: not after
  EXPECT_FALSE(holds_on(afternoon, "2024-01-01T18:00:00Z"));  // 20:00+02:00: not before
  EXPECT_TRUE(holds_on(afternoon + "\n  date: \"2024-01-01T17:30:00+02:00\"", "2000-01-01T00:00:00Z"));
  EXPECT_TRUE(holds_on("- type: io.kestra.plugin.core.condition.TimeBetween\n  after: \"23:00:00Z\"", "2024-01-01T23:30:00Z"));
  EXPECT_TRUE(holds_on("- type: io.kestra.plugin.core.condition.TimeBetween\n  before: \"01:00:00.5Z\"", "2024-01-01T01:00:00Z"));
  EXPECT_TRUE(holds_on("- type: io.kestra.plugin.core.condition.TimeBetween\n  after: \"{{ inputs.after }}\"",
                       "2024-01-01T15:00:00Z"));
  std::string why;
  EXPECT_FALSE(holds_on("- type: io.kestra.plugin.core.condition.TimeBetween\n  after: \"{{ inputs.bad }}\"",
                        "2024-01-01T15:00:00Z", &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (TimeBetween): invalid time with offset 'not a time'");
}

TEST_F(ConditionTypes, TimeBetweenWithABadTimeDoesNotCompile) {
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.TimeBetween\n  after: \"25:00:00+02:00\""),
            "triggers[0].conditions[0].after: invalid time with offset '25:00:00+02:00'");
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.TimeBetween\n  before: \"16:00\""),
            "triggers[0].conditions[0].before: invalid time with offset '16:00'");
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.TimeBetween"),
            "triggers[0].conditions[0]: at least one of 'after' or 'before' must be given");
}

TEST_F(ConditionTypes, DateTimeBetweenIncludesItsBounds) {
  const std::string year = "- type: io.kestra.plugin.core.condition.DateTimeBetween\n"
                           "  after: \"2025-01-01T00:00:00Z\"\n  before: \"2025-12-31T23:59:59Z\"";
  EXPECT_TRUE(holds_on(year, "2025-01-01T00:00:00Z"));
  EXPECT_TRUE(holds_on(year, "2025-12-31T23:59:59Z"));
  EXPECT_FALSE(holds_on(year, "2024-12-31T23:59:59Z"));
  EXPECT_FALSE(holds_on(year, "2026-01-01T00:00:00Z"));
  EXPECT_FALSE(holds_on(year + "\n  date: \"2025-01-01T00:30:00+01:00\"", "2025-06-01T00:00:00Z"));
  EXPECT_TRUE(holds_on(year + "\n  date: \"2025-01-01T01:00:00+01:00[UTC]\"", "2000-01-01T00:00:00Z"));
  EXPECT_EQ(compile_error("- type: io.kestra.plugin.core.condition.DateTimeBetween\n  after: \"2025-01-01\""),
            "triggers[0].conditions[0].after: invalid zoned date-time '2025-01-01'");
  auto region = compile_error("- type: io.kestra.plugin.core.condition.DateTimeBetween\n"
                              "  after: \"2025-01-01T00:00:00+01:00[Europe/Paris]\"");
  EXPECT_TRUE(region.starts_with("triggers[0].conditions[0].after: unsupported time zone in "
                                 "'2025-01-01T00:00:00+01:00[Europe/Paris]'")) << region;
}

TEST_F(ConditionTypes, FlowConditionsTestTheTriggeredFlow) {
  auto e = execution_of("elsewhere", "other", State::FAILED);
  EXPECT_TRUE(holds("- type: io.kestra.plugin.core.condition.FlowCondition\n  namespace: company.monitoring\n  flowId: monitor", e));
  EXPECT_FALSE(holds("- type: io.kestra.plugin.core.condition.FlowCondition\n  namespace: company.monitoring\n  flowId: x", e));
  EXPECT_TRUE(holds("- type: io.kestra.plugin.core.condition.FlowNamespaceCondition\n  namespace: company\n  prefix: true", e));
  EXPECT_FALSE(holds("- type: io.kestra.plugin.core.condition.FlowNamespaceCondition\n  namespace: company", e));
  variables = Value::object();
  std::string why;
  EXPECT_FALSE(holds("- type: io.kestra.plugin.core.condition.FlowNamespaceCondition\n  namespace: company", e, &why));
  EXPECT_EQ(why, "triggers[0].conditions[0] (FlowNamespaceCondition): the variables hold no flow.namespace");
}

TEST_F(ConditionTypes, UnknownTypesAndEmptyCombinationsDoNotCompile) {
  ConditionDef unknown;
  unknown.type = "io.kestra.plugin.core.condition.Nope";
  unknown.path = "triggers[0].conditions[2]";
  try {
    compile_condition(unknown);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "triggers[0].conditions[2]: unknown condition type 'io.kestra.plugin.core.condition.Nope'");
  }
  ConditionDef empty_or;
  empty_or.type = "io.kestra.plugin.core.condition.Or";
  EXPECT_THROW(compile_condition(empty_or), Error);
}

TEST_F(ConditionTypes, ConditionSetNeedsEveryCondition) {
  ConditionSet set(conditions_from(kFailedOrWarning + "\n" +
                                   "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company"));
  ASSERT_EQ(set.conditions().size(), 2u);
  Execution failed = execution_of("company", "f", State::FAILED);
  Execution elsewhere = execution_of("other", "f", State::FAILED);
  EXPECT_TRUE(set.matches({&failed, {}, &variables}, nullptr));
  EXPECT_FALSE(set.matches({&elsewhere, {}, &variables}, nullptr));
  EXPECT_TRUE(set.constraint().contains("company", "x", State::WARNING, {}));
  EXPECT_FALSE(set.constraint().contains("company", "x", State::SUCCESS, {}));
  EXPECT_EQ(set.conditions()[1]->definition().path, "triggers[0].conditions[1]");
}

}  // namespace
}  // namespace runwatch
