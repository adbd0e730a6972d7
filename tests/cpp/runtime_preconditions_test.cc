// Flow trigger preconditions and MultipleCondition time windows end to end: a
// monitoring flow fires once every upstream condition has been met within one window,
// on the engine's manual clock; Kestra's own test flows (preconditions, multiple
// conditions, flow listeners) behave as Kestra documents.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "condition_test_support.h"
#include "engine_fixture.h"

namespace runwatch::testing {
namespace {

using Texts = std::vector<std::string>;

TimePoint at(const std::string& iso) { return *parse_instant(iso); }

std::string failing_flow(const std::string& id) {
  return "id: " + id + "\nnamespace: company.team\ntasks:\n  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n";
}

// The monitoring flow: its Flow trigger has these preconditions (YAML from column 0).
std::string alert_flow(const std::string& preconditions) {
  return "id: alert\nnamespace: company.monitoring\n"
         "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ trigger.flowId }}\"\n"
         "triggers:\n  - id: upstream_failed\n    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n" +
         indented(preconditions, "      ");
}

// Flows a and b of company.team both FAILED, within `time_window` (YAML lines).
std::string both_failed(const std::string& time_window, const std::string& extra = "") {
  return "id: both\n"
         "flows:\n"
         "  - namespace: company.team\n    flowId: a\n    states: [FAILED]\n"
         "  - namespace: company.team\n    flowId: b\n    states: [FAILED]\n" +
         (time_window.empty() ? "" : "timeWindow:\n" + indented(time_window, "  ")) + extra;
}

class PreconditionsTest : public EngineTest {
 protected:
  void SetUp() override {
    clock->set(at("2024-02-29T10:05:00Z"));
    add(failing_flow("a"));
    add(failing_flow("b"));
  }

  void run_at(const std::string& iso, const std::string& flow_id) {
    clock->set(at(iso));
    settle();
    start(flow_id);
  }

  // The flow whose execution fired each execution of `flow_id`, in order.
  Texts fired(const std::string& flow_id = "alert") {
    Texts out;
    for (const auto& e : engine.executions({std::nullopt, flow_id, std::nullopt})) out.push_back(e->trigger["flowId"]);
    return out;
  }

  Engine::Snapshot submit_and_settle(const std::string& ns, const std::string& flow_id) {
    auto created = engine.submit(ns, flow_id);
    settle();
    return engine.execution(created->id);
  }

  void add_corpus_flow(const std::string& file) {
    std::ifstream in(std::string(RUNWATCH_SHARED_DIR) + "/corpus/kestra-flows/valids/" + file);
    std::stringstream text;
    text << in.rdbuf();
    engine.add_flow(text.str(), file);
  }
};

TEST_F(PreconditionsTest, BothFailedWithinTheWindowFiresOnce) {
  add(alert_flow(both_failed("type: DURATION_WINDOW\nwindow: PT1H\n")));
  run_at("2024-02-29T10:05:00Z", "a");
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T10:40:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
  // The window started afresh: b alone again does not fire.
  run_at("2024-02-29T10:50:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
  auto alert = engine.executions({std::nullopt, "alert", std::nullopt}).at(0);
  EXPECT_EQ(alert->state.current(), State::SUCCESS);
  EXPECT_EQ(alert->trigger["namespace"], "company.team");
  EXPECT_EQ(alert->trigger["state"], "FAILED");
}

TEST_F(PreconditionsTest, OneUpstreamAloneNeverFires) {
  add(alert_flow(both_failed("window: PT1H\n")));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T10:20:00Z", "a");
  EXPECT_EQ(fired(), Texts{});
}

TEST_F(PreconditionsTest, TwoHoursApartIsTooLateForAnHourWindow) {
  add(alert_flow(both_failed("type: DURATION_WINDOW\nwindow: PT1H\n")));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T12:05:00Z", "b");
  EXPECT_EQ(fired(), Texts{});
}

TEST_F(PreconditionsTest, DurationWindowsAreFixed) {
  add(alert_flow(both_failed("window: PT1H\n")));
  run_at("2024-02-29T10:50:00Z", "a");
  run_at("2024-02-29T11:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{});
}

TEST_F(PreconditionsTest, SlidingWindowsEndNow) {
  add(alert_flow(both_failed("type: SLIDING_WINDOW\nwindow: PT1H\n")));
  run_at("2024-02-29T11:50:00Z", "a");
  run_at("2024-02-29T12:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
  run_at("2024-02-29T13:00:00Z", "a");
  run_at("2024-02-29T14:30:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
  // What counts is when each condition was last met: a at 16:40 is within the hour
  // before b's 17:10, though the hour after a's first match at 16:00 is over.
  run_at("2024-02-29T16:00:00Z", "a");
  run_at("2024-02-29T16:40:00Z", "a");
  run_at("2024-02-29T17:10:00Z", "b");
  EXPECT_EQ(fired(), (Texts{"b", "b"}));
}

TEST_F(PreconditionsTest, WithoutResetOnSuccessEachNewMatchInTheWindowFires) {
  add(alert_flow(both_failed("window: PT1H\n", "resetOnSuccess: false\n")));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T10:10:00Z", "b");
  run_at("2024-02-29T10:15:00Z", "a");
  run_at("2024-02-29T10:20:00Z", "b");
  EXPECT_EQ(fired(), (Texts{"b", "a", "b"}));
  // The next window starts empty.
  run_at("2024-02-29T11:05:00Z", "a");
  EXPECT_EQ(fired(), (Texts{"b", "a", "b"}));
}

TEST_F(PreconditionsTest, TheDefaultWindowIsTheDayAcrossALeapDayAndAMonthEnd) {
  add(alert_flow(both_failed("")));
  run_at("2024-02-29T23:50:00Z", "a");
  run_at("2024-03-01T00:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-03-01T23:59:00Z", "a");
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(PreconditionsTest, ADailyDeadlineCountsFromMidnightToTheDeadline) {
  add(alert_flow(both_failed("type: DAILY_TIME_DEADLINE\ndeadline: \"09:00:00\"\n")));
  run_at("2024-02-29T08:00:00Z", "a");
  run_at("2024-03-01T08:30:00Z", "b");  // the next day
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-03-01T09:30:00Z", "a");  // past the deadline: not counted
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-03-02T00:00:00Z", "a");
  run_at("2024-03-02T08:59:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
}

TEST_F(PreconditionsTest, ADailyTimeWindowFollowsItsTimeZone) {
  add(alert_flow(both_failed("type: DAILY_TIME_WINDOW\nstartTime: \"06:00:00\"\nendTime: \"09:00:00\"\ntimezone: \"+05:30\"\n")));
  run_at("2024-03-01T00:20:00Z", "a");  // 05:50 in the zone: before the window
  run_at("2024-03-01T00:40:00Z", "b");  // 06:10
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-03-01T03:20:00Z", "a");  // 08:50
  EXPECT_EQ(fired(), Texts{"a"});
}

TEST_F(PreconditionsTest, WhereFiltersCombineWithOr) {
  add(alert_flow("id: any_failure\n"
                 "where:\n"
                 "  - id: a_or_b\n"
                 "    operand: OR\n"
                 "    filters:\n"
                 "      - field: FLOW_ID\n        type: EQUAL_TO\n        value: a\n"
                 "      - field: FLOW_ID\n        type: IN\n        values: [b, c]\n"));
  run_at("2024-02-29T10:05:00Z", "a");
  run_at("2024-02-29T10:10:00Z", "b");
  EXPECT_EQ(fired(), (Texts{"a", "b"}));
}

TEST_F(PreconditionsTest, AnExpressionThatCannotBeRenderedMeetsNothing) {
  add(alert_flow("id: labelled\n"
                 "where:\n"
                 "  - id: data_team\n"
                 "    filters:\n"
                 "      - field: EXPRESSION\n        type: IS_TRUE\n        value: \"{{ labels.team == 'data' }}\"\n"));
  run_at("2024-02-29T10:05:00Z", "a");  // a has no label `team`: the variable is undefined
  EXPECT_EQ(fired(), Texts{});
  add("id: c\nnamespace: company.team\nlabels:\n  team: data\n"
      "tasks:\n  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n");
  run_at("2024-02-29T10:10:00Z", "c");
  EXPECT_EQ(fired(), Texts{"c"});
}

TEST_F(PreconditionsTest, TheDryRunDoesNotCountInTheWindow) {
  add(alert_flow(both_failed("window: PT1H\n")));
  EXPECT_TRUE(engine.matching_triggers("company.team", "b", State::FAILED).empty());
  run_at("2024-02-29T10:05:00Z", "a");
  ASSERT_EQ(engine.matching_triggers("company.team", "b", State::FAILED).size(), 1u);
  EXPECT_EQ(engine.matching_triggers("company.team", "b", State::FAILED)[0].flow->id, "alert");
  EXPECT_TRUE(engine.matching_triggers("company.team", "b", State::SUCCESS).empty());
  EXPECT_EQ(fired(), Texts{});
  run_at("2024-02-29T10:10:00Z", "b");
  EXPECT_EQ(fired(), Texts{"b"});
}

TEST_F(PreconditionsTest, KestraPreconditionsFlowsFireOnceBothUpstreamFlowsRan) {
  for (const auto* file : {"flow-trigger-preconditions-flow-a.yaml", "flow-trigger-preconditions-flow-b.yaml",
                           "flow-trigger-preconditions-flow-listen.yaml"})
    add_corpus_flow(file);
  const std::string ns = "io.kestra.tests.trigger.preconditions";
  submit_and_settle(ns, "flow-trigger-preconditions-flow-a");
  EXPECT_EQ(fired("flow-trigger-preconditions-flow-listen"), Texts{});
  auto b = submit_and_settle(ns, "flow-trigger-preconditions-flow-b");
  auto listen = engine.executions({std::nullopt, "flow-trigger-preconditions-flow-listen", std::nullopt});
  ASSERT_EQ(listen.size(), 1u);
  EXPECT_EQ(listen[0]->trigger["executionId"], b->id);
  EXPECT_EQ(listen[0]->state.current(), State::SUCCESS);
  // b again alone: its conditions are met, flow a's are not any more.
  submit_and_settle(ns, "flow-trigger-preconditions-flow-b");
  EXPECT_EQ(fired("flow-trigger-preconditions-flow-listen").size(), 1u);
}

TEST_F(PreconditionsTest, KestraMultipleConditionFlowsFireOnceBothFlowsSucceeded) {
  for (const auto* file : {"trigger-multiplecondition-flow-a.yaml", "trigger-multiplecondition-flow-b.yaml",
                           "trigger-multiplecondition-listener.yaml"})
    add_corpus_flow(file);
  submit_and_settle("io.kestra.tests.trigger", "trigger-multiplecondition-flow-a");
  EXPECT_EQ(fired("trigger-multiplecondition-listener"), Texts{});
  submit_and_settle("io.kestra.tests.trigger", "trigger-multiplecondition-flow-b");
  EXPECT_EQ(fired("trigger-multiplecondition-listener"), Texts{"trigger-multiplecondition-flow-b"});
  // The window is one day (P1D from midnight): a today and b tomorrow do not fire.
  clock->set(at("2024-02-29T23:00:00Z"));
  submit_and_settle("io.kestra.tests.trigger", "trigger-multiplecondition-flow-a");
  clock->set(at("2024-03-01T01:00:00Z"));
  submit_and_settle("io.kestra.tests.trigger", "trigger-multiplecondition-flow-b");
  EXPECT_EQ(fired("trigger-multiplecondition-listener").size(), 1u);
}

TEST_F(PreconditionsTest, KestraMultipleConditionNeverFiresWhenAFlowFails) {
  for (const auto* file : {"trigger-multiplecondition-flow-c.yaml", "trigger-multiplecondition-flow-d.yaml",
                           "trigger-multiplecondition-failed.yaml"})
    add_corpus_flow(file);
  EXPECT_EQ(submit_and_settle("io.kestra.tests.trigger", "trigger-multiplecondition-flow-c")->state.current(), State::FAILED);
  submit_and_settle("io.kestra.tests.trigger", "trigger-multiplecondition-flow-d");
  EXPECT_EQ(fired("trigger-multiplecondition-failed"), Texts{});
}

TEST_F(PreconditionsTest, KestraFlowListenersFireOnTheirFlowAndNamespace) {
  for (const auto* file : {"trigger-flow.yaml", "trigger-flow-listener.yaml", "trigger-flow-listener-no-inputs.yaml",
                           "trigger-flow-listener-namespace-condition.yaml", "trigger-flow-listener-invalid.yaml"})
    add_corpus_flow(file);
  auto parent = submit_and_settle("io.kestra.tests.trigger", "trigger-flow");
  auto only = [&](const std::string& flow_id) {
    auto runs = engine.executions({std::nullopt, flow_id, std::nullopt});
    EXPECT_EQ(runs.size(), 1u) << flow_id;
    return runs.empty() ? nullptr : runs[0];
  };
  // Its inputs are rendered with the parent's outputs.
  auto listener = only("trigger-flow-listener");
  ASSERT_TRUE(listener);
  EXPECT_EQ(run_of(*listener, "only-listener").outputs["value"], "childs: from parents: " + parent->id);
  auto no_inputs = only("trigger-flow-listener-no-inputs");
  ASSERT_TRUE(no_inputs);
  EXPECT_EQ(run_of(*no_inputs, "only-no-input").outputs["value"], "v1: " + parent->id);
  // An input that cannot be rendered: the execution exists, FAILED, and says why.
  auto invalid = only("trigger-flow-listener-invalid");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->state.current(), State::FAILED);
  // Every SUCCESS in the namespace but its own: the parent, then the two listeners that
  // succeeded.
  Texts sources = fired("trigger-flow-listener-namespace-condition");
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(sources, (Texts{"trigger-flow", "trigger-flow-listener", "trigger-flow-listener-no-inputs"}));
}

}  // namespace
}  // namespace runwatch::testing
