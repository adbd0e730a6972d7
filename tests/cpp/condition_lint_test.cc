// The lint of monitoring flows: triggers that never fire (the spec's bad example),
// statuses a trigger never sees, unknown flows, and triggers that start each other.
#include "condition_test_support.h"
#include "runwatch/condition/lint.h"

namespace runwatch {
namespace {

using testing::indented;
using testing::load_or_fail;
using testing::monitoring_flow;

const std::string kExamples = std::string(RUNWATCH_SHARED_DIR) + "/spec/examples/";
const std::string kBadExampleMessage =
    "conditions[1] (ExecutionNamespace company.product*) and conditions[2] (ExecutionFlow company.system.cleanup) "
    "can never both hold: this trigger never fires; to fire on either, put them in an "
    "io.kestra.plugin.core.condition.OrCondition";
const std::string kTerminal = "RETRIED, SUCCESS, WARNING, FAILED, KILLED, CANCELLED, SKIPPED";

std::vector<std::string> messages(const std::vector<ValidationIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& issue : issues) {
    EXPECT_EQ(issue.severity, ValidationIssue::Severity::Warning);
    out.push_back(issue.path + ": " + issue.message);
  }
  return out;
}

std::vector<std::string> lint(const std::string& conditions, const std::string& extra = "") {
  return messages(lint_flow(*load_or_fail(monitoring_flow("monitor", "company.monitoring", conditions, extra))));
}

class ConditionLintSpecExamples : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PluginRegistry::global().find(PluginKind::Task, "io.kestra.plugin.notifications.slack.SlackExecution"))
      GTEST_SKIP() << "the Slack tasks are not registered: the spec examples cannot load";
  }
  std::shared_ptr<Flow> load(const std::string& name) {
    auto result = load_flow_file(kExamples + name, {PluginRegistry::global()});
    for (const auto& issue : result.issues) ADD_FAILURE() << issue.to_string();
    return result.flow;
  }
};

TEST_F(ConditionLintSpecExamples, BadExampleNeverFires) {
  auto flow = load("bad-example.yaml");
  ASSERT_TRUE(flow);
  auto issues = lint_flow(*flow);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].file, kExamples + "bad-example.yaml");
  EXPECT_EQ(issues[0].path, "triggers[0]");
  EXPECT_EQ(issues[0].line, 16);
  EXPECT_EQ(issues[0].column, 5);
  EXPECT_EQ(issues[0].severity, ValidationIssue::Severity::Warning);
  EXPECT_EQ(issues[0].message, kBadExampleMessage);
}

TEST_F(ConditionLintSpecExamples, WorkingExamplesPass) {
  for (const auto* name : {"failure-alert-to-slack.yaml", "or-condition-fixed.yaml", "on-failure-alert.yaml"}) {
    auto flow = load(name);
    ASSERT_TRUE(flow) << name;
    EXPECT_TRUE(lint_flow(*flow).empty()) << name;
  }
}

// The trigger sections of the spec examples, on a Log task: they run whatever tasks
// are registered.
const std::string kFailedOrWarning = "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [FAILED, WARNING]\n";
const std::string kProductPrefix =
    "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company.product\n  prefix: true\n";
const std::string kCleanup =
    "- type: io.kestra.plugin.core.condition.ExecutionFlow\n  flowId: cleanup\n  namespace: company.system\n";

TEST(ConditionLint, SpecExampleTriggers) {
  EXPECT_EQ(lint(kFailedOrWarning + kProductPrefix + kCleanup),
            std::vector<std::string>{"triggers[0]: " + kBadExampleMessage});
  EXPECT_TRUE(lint(kFailedOrWarning + kProductPrefix).empty());
  EXPECT_TRUE(lint(kFailedOrWarning + "- type: io.kestra.plugin.core.condition.OrCondition\n  conditions:\n" +
                   testing::indented(kProductPrefix + kCleanup, "    "))
                  .empty());
}

TEST(ConditionLint, AConditionThatNeverHoldsAlone) {
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.Not\n  conditions:\n"
                 "    - type: io.kestra.plugin.core.condition.ExecutionNamespace\n      namespace: \"\"\n      prefix: true"),
            std::vector<std::string>{"triggers[0]: conditions[0] (Not) can never hold: this trigger never fires"});
}

TEST(ConditionLint, ConflictsWithTheTriggerStatesAndTheSelfRule) {
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [RUNNING]"),
            (std::vector<std::string>{
                "triggers[0]: conditions[0] (ExecutionStatus in [RUNNING]) and the default states (the terminal ones: " +
                    kTerminal + ") can never both hold: this trigger never fires",
                "triggers[0].conditions[0].in: ExecutionStatus waits for RUNNING, which this trigger never sees: it "
                "reacts only to the terminal states by default [" +
                    kTerminal + "]; add RUNNING to the trigger's `states`"}));
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.ExecutionFlow\n  namespace: company.monitoring\n  flowId: monitor"),
            std::vector<std::string>{
                "triggers[0]: conditions[0] (ExecutionFlow company.monitoring.monitor) and the rule that a flow never "
                "triggers itself can never both hold: this trigger never fires"});
}

TEST(ConditionLint, ASmallestConflictOfThree) {
  EXPECT_EQ(lint(kFailedOrWarning + "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [WARNING, KILLED]\n" +
                 "- type: io.kestra.plugin.core.condition.ExecutionStatus\n  notIn: [WARNING]\n" + kProductPrefix),
            std::vector<std::string>{
                "triggers[0]: conditions[0] (ExecutionStatus in [FAILED, WARNING]), conditions[1] (ExecutionStatus in "
                "[WARNING, KILLED]) and conditions[2] (ExecutionStatus not in [WARNING]) can never all hold: this "
                "trigger never fires"});
}

TEST(ConditionLint, LabelsAndSuffixesConflict) {
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: product\n  comparison: SUFFIX\n"
                 "- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n    env: prod\n"
                 "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company.system"),
            std::vector<std::string>{
                "triggers[0]: conditions[0] (ExecutionNamespace *product) and conditions[2] (ExecutionNamespace "
                "company.system) can never both hold: this trigger never fires; to fire on either, put them in an "
                "io.kestra.plugin.core.condition.OrCondition"});
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.ExecutionLabels\n  labels:\n    env: prod\n"
                 "- type: io.kestra.plugin.core.condition.Not\n  conditions:\n"
                 "    - type: io.kestra.plugin.core.condition.ExecutionLabels\n      labels:\n        - key: env\n"
                 "          value: prod"),
            std::vector<std::string>{
                "triggers[0]: conditions[0] (ExecutionLabels env=prod) and conditions[1] (Not) can never both hold: "
                "this trigger never fires; to fire on either, put them in an io.kestra.plugin.core.condition.OrCondition"});
}

TEST(ConditionLint, WhatItCannotModelNeverWarns) {
  EXPECT_TRUE(lint(kCleanup + "- type: io.kestra.plugin.core.condition.Expression\n  expression: \"{{ false }}\"\n" +
                   "- type: io.kestra.plugin.core.condition.Not\n  conditions:\n" +
                   "    - type: io.kestra.plugin.core.condition.Expression\n      expression: \"{{ true }}\"")
                  .empty());
  // A window over two flows: each event meets one of them.
  EXPECT_TRUE(lint(R"(- type: io.kestra.plugin.core.condition.MultipleCondition
  id: both
  conditions:
    cleanup:
      type: io.kestra.plugin.core.condition.ExecutionFlow
      namespace: company.system
      flowId: cleanup
    etl:
      type: io.kestra.plugin.core.condition.ExecutionFlow
      namespace: company.product
      flowId: etl)")
                  .empty());
}

TEST(ConditionLint, DisabledTriggersAreNotLinted) {
  EXPECT_TRUE(lint(kProductPrefix + kCleanup, "disabled: true").empty());
}

TEST(ConditionLint, StatusesTheTriggerNeverSees) {
  EXPECT_EQ(lint(kFailedOrWarning, "states: [FAILED]"),
            std::vector<std::string>{"triggers[0].conditions[0].in: ExecutionStatus waits for WARNING, which this "
                                     "trigger never sees: it reacts only to its states [FAILED]; add WARNING to the "
                                     "trigger's `states`"});
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.ExecutionStatus\n  in: [CREATED, RUNNING]",
                 "states: [CREATED, RUNNING]"),
            std::vector<std::string>{"triggers[0].conditions[0].in: ExecutionStatus waits for CREATED, which this "
                                     "trigger never sees: it reacts only to its states [RUNNING]; a Flow trigger never "
                                     "reacts to CREATED"});
  // Under Or too; not under Not, where listing a state excludes it.
  EXPECT_EQ(lint("- type: io.kestra.plugin.core.condition.Or\n  conditions:\n"
                 "    - type: io.kestra.plugin.core.condition.ExecutionStatus\n      in: [PAUSED]\n" +
                 testing::indented(kProductPrefix, "    ")),
            std::vector<std::string>{"triggers[0].conditions[0].conditions[0].in: ExecutionStatus waits for PAUSED, "
                                     "which this trigger never sees: it reacts only to the terminal states by default [" +
                                     kTerminal + "]; add PAUSED to the trigger's `states`"});
  EXPECT_TRUE(lint("- type: io.kestra.plugin.core.condition.Not\n  conditions:\n"
                   "    - type: io.kestra.plugin.core.condition.ExecutionStatus\n      in: [RUNNING]")
                  .empty());
  EXPECT_TRUE(lint(kFailedOrWarning, "states: [RUNNING, FAILED, WARNING]").empty());
}

TEST(ConditionLint, APreconditionNoExecutionTheTriggerSeesCanMeet) {
  const std::string preconditions =
      "preconditions:\n  id: p\n  flows:\n"
      "    - namespace: company.team\n      flowId: a\n      states: [RUNNING]\n"
      "    - namespace: company.monitoring\n      flowId: monitor\n"
      "    - namespace: company.team\n      flowId: b\n";
  EXPECT_EQ(lint("", preconditions),
            (std::vector<std::string>{
                "triggers[0].preconditions.flows[0]: preconditions.flows[0] can never be met by an execution this "
                "trigger sees (its conditions, the default states (the terminal ones: " + kTerminal +
                    "), other flows only): this trigger never fires",
                "triggers[0].preconditions.flows[1]: preconditions.flows[1] can never be met by an execution this "
                "trigger sees (its conditions, the default states (the terminal ones: " + kTerminal +
                    "), other flows only): this trigger never fires"}));
  EXPECT_TRUE(lint("", "states: [RUNNING, FAILED]\npreconditions:\n  id: p\n  flows:\n"
                       "    - namespace: company.team\n      flowId: a\n      states: [RUNNING]\n").empty());
}

TEST(ConditionLint, DependsOnEntriesTheTriggerNeverSees) {
  const std::string terminal = "the terminal states by default [" + kTerminal + "]";
  auto unseen = [&](const std::string& entry, const std::string& state) {
    return "triggers[0]." + entry + ".states: " + entry + " waits for " + state +
           ", which this trigger never sees: it reacts only to " + terminal + "; add " + state +
           " to the trigger's `states`";
  };
  const std::string sees =
      "an execution this trigger sees (its conditions, the default states (the terminal ones: " + kTerminal +
      "), other flows only)";
  EXPECT_EQ(lint("",
                 "dependsOn:\n"
                 "  - namespace: company.team\n    flowId: a\n    states: [RUNNING, FAILED]\n"
                 "  - namespace: company.team\n    flowId: b\n    states: [RUNNING]\n"),
            (std::vector<std::string>{
                "triggers[0].dependsOn[1]: dependsOn[1] can never be met by " + sees + ": this trigger never fires",
                unseen("dependsOn[0]", "RUNNING"), unseen("dependsOn[1]", "RUNNING")}));
  // ANY needs one entry it can meet; AT_LEAST as many as minSatisfied.
  const std::string entries =
      "  - flowId: a\n    states: [RUNNING]\n  - flowId: b\n    states: [PAUSED]\n"
      "  - flowId: c\n    states: [FAILED]\n";
  EXPECT_EQ(lint("", "mode: ANY\ndependsOn:\n" + entries),
            (std::vector<std::string>{unseen("dependsOn[0]", "RUNNING"), unseen("dependsOn[1]", "PAUSED")}));
  EXPECT_EQ(lint("", "mode: AT_LEAST\nminSatisfied: 2\ndependsOn:\n" + entries),
            (std::vector<std::string>{"triggers[0]: 1 of the 3 dependsOn entries can be met by " + sees +
                                          ", fewer than the 2 its mode requires: this trigger never fires",
                                      unseen("dependsOn[0]", "RUNNING"), unseen("dependsOn[1]", "PAUSED")}));
  EXPECT_TRUE(
      lint("", "states: [RUNNING, PAUSED, FAILED]\nmode: AT_LEAST\nminSatisfied: 2\ndependsOn:\n" + entries).empty());
}

class ConditionLintScope : public ::testing::Test {
 protected:
  // A monitoring flow; without conditions, a flow without triggers.
  std::shared_ptr<Flow> add(const std::string& id, const std::string& ns, const std::string& conditions) {
    auto flow = load_or_fail(conditions.empty() ? "id: " + id + "\nnamespace: " + ns +
                                                      "\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
                                                      "    message: hi\n"
                                                : monitoring_flow(id, ns, conditions));
    flows.push_back(flow);
    in_scope.push_back(flow.get());
    return flow;
  }
  static std::string listening_to(const std::string& prefix) {
    return "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: " + prefix + "\n  prefix: true";
  }
  LintScope scope() const { return LintScope(in_scope); }
  std::vector<std::shared_ptr<Flow>> flows;
  std::vector<const Flow*> in_scope;
};

TEST_F(ConditionLintScope, ExecutionFlowNamingAFlowNotLoaded) {
  add("cleanup", "company.system", "");
  auto monitor = add("monitor", "company.monitoring",
                     kFailedOrWarning + "- type: io.kestra.plugin.core.condition.Or\n  conditions:\n" +
                         "    - type: io.kestra.plugin.core.condition.ExecutionFlow\n      namespace: company.system\n"
                         "      flowId: clenaup\n" +
                         "    - type: io.kestra.plugin.core.condition.ExecutionFlow\n      namespace: company.monitoring\n"
                         "      flowId: monitor");
  auto issues = lint_flow(*monitor, scope());
  ASSERT_EQ(messages(issues), std::vector<std::string>{"triggers[0].conditions[1].conditions[0]: ExecutionFlow names "
                                                       "company.system.clenaup, which is not a loaded flow"});
  EXPECT_EQ(issues[0].line, 15);
  EXPECT_EQ(issues[0].column, 13);
  EXPECT_TRUE(lint_flow(*monitor).empty());  // without a scope, nothing is known of other flows
}

TEST_F(ConditionLintScope, PreconditionsAndDependsOnNamingAFlowNotLoaded) {
  add("cleanup", "company.system", "");
  auto monitor = load_or_fail(monitoring_flow("monitor", "company.monitoring", "",
                                              "preconditions:\n  id: both\n  flows:\n"
                                              "    - namespace: company.system\n      flowId: cleanup\n"
                                              "    - namespace: company.system\n      flowId: clenaup\n"
                                              "    - namespace: company.system\n"));
  auto issues = lint_flow(*monitor, scope());
  ASSERT_EQ(messages(issues), std::vector<std::string>{"triggers[0].preconditions.flows[1]: preconditions name "
                                                       "company.system.clenaup, which is not a loaded flow"});
  EXPECT_EQ(issues[0].line, 8);
  EXPECT_EQ(issues[0].column, 5);
  // Entries without both keys name no one flow.
  auto depending = load_or_fail(monitoring_flow("monitor", "company.monitoring", "",
                                                "dependsOn:\n  - namespace: company.system\n    flowId: clenaup\n"
                                                "  - flowId: clenaup\n"));
  EXPECT_EQ(messages(lint_flow(*depending, scope())),
            std::vector<std::string>{"triggers[0].dependsOn[0]: dependsOn names company.system.clenaup, which is not a "
                                     "loaded flow"});
}

TEST_F(ConditionLintScope, FlowsDependingOnEachOther) {
  auto a = load_or_fail(monitoring_flow("alert", "company.a", "", "dependsOn:\n  - namespace: company.b\n"));
  auto b = load_or_fail(monitoring_flow("alert", "company.b", "",
                                        "dependsOn:\n  - namespace: company.a\n    flowId: alert\n"
                                        "  - namespace: company.c\n"));
  in_scope.push_back(b.get());
  EXPECT_EQ(messages(lint_flow(*a, scope())),
            std::vector<std::string>{"triggers[0]: flows can trigger each other in a loop: company.a.alert -> "
                                     "company.b.alert -> company.a.alert (each one's executions fire the next one's "
                                     "Flow trigger)"});
}

TEST_F(ConditionLintScope, FlowsWaitingForOtherFlowsDoNotTriggerEachOther) {
  const std::string waiting_for_extract =
      "preconditions:\n  id: extract\n  flows:\n    - namespace: company.team\n      flowId: extract\n";
  add("extract", "company.team", "");
  auto a = load_or_fail(monitoring_flow("alert", "company.a", "", waiting_for_extract));
  auto b = load_or_fail(monitoring_flow("alert", "company.b", "", waiting_for_extract));
  in_scope.push_back(a.get());
  in_scope.push_back(b.get());
  EXPECT_TRUE(lint_flow(*a, scope()).empty());
}

TEST_F(ConditionLintScope, TwoFlowsTriggeringEachOther) {
  auto a = add("alert", "company.a", listening_to("company.b"));
  add("alert", "company.b", listening_to("company.a"));
  EXPECT_EQ(messages(lint_flow(*a, scope())),
            std::vector<std::string>{"triggers[0]: flows can trigger each other in a loop: company.a.alert -> "
                                     "company.b.alert -> company.a.alert (each one's executions fire the next one's "
                                     "Flow trigger)"});
}

TEST_F(ConditionLintScope, ALongerRing) {
  auto a = add("alert", "company.a", listening_to("company.c"));
  add("alert", "company.b", listening_to("company.a"));
  add("alert", "company.c", listening_to("company.b"));
  add("bystander", "company.d", listening_to("company.a"));
  EXPECT_EQ(messages(lint_flow(*a, scope())),
            std::vector<std::string>{"triggers[0]: flows can trigger each other in a loop: company.a.alert -> "
                                     "company.b.alert -> company.c.alert -> company.a.alert (each one's executions "
                                     "fire the next one's Flow trigger)"});
}

TEST_F(ConditionLintScope, ALoopElsewhereIsNotThisFlows) {
  auto a = add("alert", "company.a", listening_to("company.z"));
  add("alert", "company.b",
      "- type: io.kestra.plugin.core.condition.Or\n  conditions:\n" + indented(listening_to("company.a"), "    ") +
          indented(listening_to("company.c"), "    "));
  add("alert", "company.c", listening_to("company.b"));
  EXPECT_TRUE(lint_flow(*a, scope()).empty());  // a starts b, b and c start each other: nothing starts a
  const auto b = LintScope(in_scope).loops_through(*flows[1]);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0], (std::vector<const Flow*>{flows[2].get(), flows[1].get()}));
}

TEST_F(ConditionLintScope, ANewRevisionIsLintedInPlaceOfTheLoadedOne) {
  add("alert", "company.a", listening_to("company.z"));
  add("alert", "company.b", listening_to("company.a"));
  const LintScope loaded = scope();
  EXPECT_TRUE(lint_flow(*flows[0], loaded).empty());
  auto changed = load_or_fail(monitoring_flow("alert", "company.a", listening_to("company.b")));
  EXPECT_EQ(messages(lint_flow(*changed, loaded)),
            std::vector<std::string>{"triggers[0]: flows can trigger each other in a loop: company.a.alert -> "
                                     "company.b.alert -> company.a.alert (each one's executions fire the next one's "
                                     "Flow trigger)"});
  // And back: the loaded revision's loop is not the new one's.
  in_scope[0] = changed.get();
  auto quiet = load_or_fail(monitoring_flow("alert", "company.a", listening_to("company.z")));
  EXPECT_FALSE(lint_flow(*changed, scope()).empty());
  EXPECT_TRUE(lint_flow(*quiet, scope()).empty());
}

TEST_F(ConditionLintScope, OfTwoFlowsWithOneKeyTheLastCountsAndADisabledFlowStartsNothing) {
  auto first = add("alert", "company.a", listening_to("company.b"));
  add("alert", "company.b", listening_to("company.a"));
  auto last = add("alert", "company.a", listening_to("company.z"));
  EXPECT_TRUE(lint_flow(*last, scope()).empty());
  EXPECT_EQ(lint_flow(*first, scope()).size(), 1u);  // linted in the last one's place
  auto disabled = load_or_fail(monitoring_flow("alert", "company.b", listening_to("company.a")) + "disabled: true\n");
  in_scope = {first.get(), disabled.get()};
  EXPECT_TRUE(lint_flow(*first, scope()).empty());
  EXPECT_TRUE(scope().is_loaded("company.b", "alert"));  // loaded all the same: references to it hold
  EXPECT_FALSE(scope().is_loaded("company", "b.alert"));
}

TEST_F(ConditionLintScope, ARingOfThousandsIsFoundWithoutRecursion) {
  constexpr int kRing = 3000;      // deeper than a recursive search of the graph could go safely
  for (int i = 0; i < kRing; ++i)  // each watches the one before it, by its exact namespace
    add("alert", "company.r" + std::to_string(i),
        "- type: io.kestra.plugin.core.condition.ExecutionNamespace\n  namespace: company.r" +
            std::to_string((i + kRing - 1) % kRing));
  const auto loops = scope().loops_through(*flows[0]);
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_EQ(loops[0].size(), static_cast<size_t>(kRing));
  EXPECT_EQ(loops[0].front(), flows[1].get());
  EXPECT_EQ(loops[0].back(), flows[0].get());
}

TEST_F(ConditionLintScope, AFlowNeverTriggersItself) {
  auto a = add("alert", "company.a", listening_to("company"));
  add("etl", "company.b", "");
  EXPECT_TRUE(lint_flow(*a, scope()).empty());
}

TEST_F(ConditionLintScope, NoLoopWhenTheOtherTriggerExcludesThisFlow) {
  auto a = add("alert", "company.a", listening_to("company"));
  add("alert", "company.b",
      listening_to("company") + "\n- type: io.kestra.plugin.core.condition.Not\n  conditions:\n" +
          "    - type: io.kestra.plugin.core.condition.ExecutionNamespace\n      namespace: company.a");
  EXPECT_TRUE(lint_flow(*a, scope()).empty());
}

}  // namespace
}  // namespace runwatch
