// The execution summary every *Execution notification and Python notifier is built from.
#include <algorithm>
#include <future>

#include "notify_test_support.h"
#include "runwatch/tasks/notify/execution_summary.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using testing::make_execution;
using testing::notify_epoch;

TEST(NotifySummary, AFailedExecutionNamesTheTaskThatFailedNotItsParent) {
  auto e = make_execution("exec-1", State::FAILED,
                          {{"extract", State::SUCCESS, ""},
                           {"steps", State::FAILED, ""},
                           {"load", State::FAILED, "steps"},
                           {"cleanup", State::SUCCESS, "", "errors"}},
                          1500ms);
  ExecutionSummary s = summarize_execution(*e, notify_epoch() + 1h);
  EXPECT_EQ(s.ns, "company.team");
  EXPECT_EQ(s.flow_id, "etl");
  EXPECT_EQ(s.execution_id, "exec-1");
  EXPECT_EQ(s.state, State::FAILED);
  EXPECT_EQ(s.failed_task, "load");
  EXPECT_EQ(s.last_task, "load");
  EXPECT_EQ(s.start_date, notify_epoch());
  EXPECT_EQ(s.duration, 1500ms);  // from the execution's end, not from now
  EXPECT_EQ(headline(s), "[company.team] etl \xE2\x9E\x9B FAILED");
  EXPECT_EQ(outcome(s), "Failed on task `load` after 00:00:01.500");
  EXPECT_EQ(linked_headline(s), "*[company.team] etl \xE2\x9E\x9B FAILED*");
  s.link = "https://k/ui/executions/company.team/etl/exec-1";
  EXPECT_EQ(linked_headline(s), "*<https://k/ui/executions/company.team/etl/exec-1|[company.team] etl \xE2\x9E\x9B FAILED>*");
}

TEST(NotifySummary, ASuccessfulExecutionReportsItsLastTask) {
  auto e = make_execution("exec-2", State::SUCCESS, {{"a", State::SUCCESS, ""}, {"b", State::WARNING, ""}}, 61s);
  ExecutionSummary s = summarize_execution(*e, notify_epoch());
  EXPECT_EQ(s.state, State::SUCCESS);
  EXPECT_EQ(s.failed_task, std::nullopt);
  EXPECT_EQ(s.last_task, "b");
  EXPECT_EQ(outcome(s), "Succeeded after 00:01:01.000");
}

TEST(NotifySummary, OutcomeOfKilledAndFailedWithoutATask) {
  ExecutionSummary s;
  s.state = State::KILLED;
  EXPECT_EQ(outcome(s), "Killed after 00:00:00.000");
  s.state = State::FAILED;
  EXPECT_EQ(outcome(s), "Failed after 00:00:00.000");
}

TEST(NotifySummary, ItsOwnExecutionInAnErrorsBranchIsReportedFailed) {
  auto e = make_execution("exec-3", State::RUNNING,
                          {{"fail", State::FAILED, ""}, {"notify", State::RUNNING, "", "errors"}}, 0s);
  ExecutionSummary s = summarize_execution(*e, notify_epoch() + 2500ms, "tr-notify");
  EXPECT_EQ(s.state, State::FAILED);
  EXPECT_EQ(s.failed_task, "fail");
  EXPECT_EQ(s.last_task, "fail");
  EXPECT_EQ(s.duration, 2500ms);  // still running: measured until now
}

TEST(NotifySummary, ItsOwnExecutionInANestedErrorsBranchIsReportedFailed) {
  auto e = make_execution("exec-4", State::RUNNING,
                          {{"seq", State::RUNNING, ""}, {"step", State::FAILED, "seq"}, {"notify", State::RUNNING, "seq", "errors"}},
                          0s);
  EXPECT_EQ(summarize_execution(*e, notify_epoch(), "tr-notify").state, State::FAILED);
}

TEST(NotifySummary, ItsOwnExecutionOtherwiseReportsWhereItIsHeading) {
  auto fine = make_execution("exec-5", State::RUNNING, {{"a", State::SUCCESS, ""}, {"notify", State::RUNNING, ""}}, 0s);
  ExecutionSummary s = summarize_execution(*fine, notify_epoch() + 1s, "tr-notify");
  EXPECT_EQ(s.state, State::SUCCESS);
  EXPECT_EQ(s.last_task, "a");
  auto warned = make_execution("exec-6", State::RUNNING, {{"a", State::WARNING, ""}, {"notify", State::RUNNING, ""}}, 0s);
  EXPECT_EQ(summarize_execution(*warned, notify_epoch(), "tr-notify").state, State::WARNING);
  auto failed = make_execution("exec-7", State::RUNNING,
                               {{"a", State::FAILED, ""}, {"notify", State::RUNNING, ""}}, 0s);
  EXPECT_EQ(summarize_execution(*failed, notify_epoch(), "tr-notify").state, State::FAILED);
}

TEST(NotifySummary, FormatsDurationsLikeKestra) {
  EXPECT_EQ(format_hms(0ms), "00:00:00.000");
  EXPECT_EQ(format_hms(1500ms), "00:00:01.500");
  EXPECT_EQ(format_hms(3h + 2min + 1s + 4ms), "03:02:01.004");
  EXPECT_EQ(format_hms(100h), "100:00:00.000");
  EXPECT_EQ(format_hms(-5s), "00:00:00.000");
}

TEST(NotifySummary, LinksWhenKestraUrlIsSet) {
  auto e = make_execution("exec-1", State::SUCCESS, {}, 1s);
  EXPECT_EQ(execution_link(Value::object(), *e), std::nullopt);
  EXPECT_EQ(execution_link({{"kestra", {{"url", ""}}}}, *e), std::nullopt);
  EXPECT_EQ(execution_link({{"kestra", {{"url", "https://kestra.example.com//"}}}}, *e),
            "https://kestra.example.com/ui/main/executions/company.team/etl/exec-1");
}

TEST(NotifySummary, AsAValueForPython) {
  auto e = make_execution("exec-1", State::FAILED, {{"load", State::FAILED, ""}}, 2s);
  ExecutionSummary s = summarize_execution(*e, notify_epoch());
  s.custom_fields = {{"env", "prod"}};
  Value expected = {{"namespace", "company.team"},
                    {"flow_id", "etl"},
                    {"execution_id", "exec-1"},
                    {"state", "FAILED"},
                    {"failed_task", "load"},
                    {"last_task", "load"},
                    {"start_date", "2023-11-14T22:13:20Z"},
                    {"duration", 2.0},
                    {"duration_text", "00:00:02.000"},
                    {"link", nullptr},
                    {"custom_message", nullptr},
                    {"custom_fields", {{"env", "prod"}}},
                    {"headline", "[company.team] etl \xE2\x9E\x9B FAILED"},
                    {"outcome", "Failed on task `load` after 00:00:02.000"},
                    {"alerts", Value::array()},
                    {"alert_status", nullptr},
                    {"alert_reason", nullptr}};
  EXPECT_EQ(to_value(s), expected);
}

class NotifySummaryLookup : public testing::NotifyTest {
 protected:
  ExecutionSummary summary(Value properties, TaskIdentity who = identity(), Value variables = Value::object()) {
    if (!variables.contains("execution")) variables["execution"] = {{"id", who.execution_id}};
    RunContext ctx(who, std::move(variables), clock, cancellation, &executions);
    return execution_summary(ctx, properties);
  }
  std::string summary_failure(Value properties, TaskIdentity who = identity(), Value variables = Value::object()) {
    try {
      summary(std::move(properties), who, std::move(variables));
    } catch (const std::exception& e) {
      return e.what();
    }
    ADD_FAILURE() << "no failure";
    return "";
  }
};

TEST_F(NotifySummaryLookup, AnAlertingTriggersNotificationIsSummarizedAsAWhole) {
  Value alerts = Value::parse(R"([
    {"labels": {"namespace": "company.team", "flowId": "a"}, "status": "firing", "lastExecutionId": "e1",
     "lastState": "FAILED"},
    {"labels": {"namespace": "company.team", "flowId": "b", "executionId": "e2"}, "status": "firing",
     "lastExecutionId": "e2", "lastState": "RUNNING", "task": "load"},
    {"labels": {"namespace": "company.team", "flowId": "c"}, "status": "resolved", "lastExecutionId": "",
     "lastState": null}])");
  Value variables = {
      {"trigger",
       {{"status", "firing"}, {"reason", "new"}, {"groupKey", "company.monitoring.alerts/t"}, {"alerts", alerts}}},
      {"kestra", {{"url", "https://kestra.example/"}}}};
  ExecutionSummary s =
      summary({{"executionId", "exec-1"}, {"customMessage", "see the runbook"}}, identity(), variables);
  EXPECT_EQ(headline(s), "[company.monitoring] alerts \xE2\x9E\x9B FIRING");
  EXPECT_EQ(
      outcome(s),
      "2 firing, 1 resolved (new): company.team.a FAILED, company.team.b RUNNING at `load`, company.team.c no run "
      "(resolved)");
  EXPECT_EQ(custom_lines(s),
            "\n- company.team.a: https://kestra.example/ui/main/executions/company.team/a/e1"
            "\n- company.team.b: https://kestra.example/ui/main/executions/company.team/b/e2\nsee the runbook");
  EXPECT_EQ(s.state, State::FAILED);
  EXPECT_EQ(s.execution_id, "exec-1");
  Value resolved = variables;
  resolved["trigger"]["status"] = "resolved";
  resolved["trigger"]["reason"] = "resolved";
  resolved["trigger"]["alerts"] = Value::array({alerts[2]});
  ExecutionSummary r = summary({{"executionId", ""}}, identity(), resolved);
  EXPECT_EQ(
      linked_outcome(r),
      "*[company.monitoring] alerts \xE2\x9E\x9B RESOLVED*\n> 1 resolved (resolved): company.team.c no run (resolved)");
  EXPECT_EQ(r.state, State::SUCCESS);
  // Without alerts in `trigger`, an empty executionId is still an error.
  EXPECT_EQ(summary_failure({{"executionId", ""}}), "Unable to find execution ''");
}

// Channels with details list each group in their own format, its link beside its state.
TEST_F(NotifySummaryLookup, ChannelsListTheAlertsGroupsAmongTheirDetails) {
  Value alerts = Value::parse(R"([
    {"labels": {"namespace": "company.team", "flowId": "a"}, "status": "firing", "lastExecutionId": "e1",
     "lastState": "FAILED"},
    {"labels": {"namespace": "company.team", "flowId": "c"}, "status": "resolved", "lastExecutionId": "",
     "lastState": "SUCCESS"}])");
  Value variables = {
      {"trigger",
       {{"status", "firing"}, {"reason", "new"}, {"groupKey", "company.monitoring.alerts/t"}, {"alerts", alerts}}},
      {"kestra", {{"url", "https://kestra.example"}}}};
  const std::string link = "https://kestra.example/ui/main/executions/company.team/a/e1";
  Value target = {{"url", server.url("/hook")}, {"executionId", ""}};
  auto last_posted = [this] { return Value::parse(recorder.received().back().body); };

  run("io.kestra.plugin.microsoft365.teams.TeamsExecution", target, identity(), variables);
  Value facts = last_posted()["sections"][0]["facts"];
  ASSERT_GE(facts.size(), 2u);
  EXPECT_EQ(facts[facts.size() - 2], Value({{"name", "company.team.a"}, {"value", "FAILED [details](" + link + ")"}}));
  EXPECT_EQ(facts.back(), Value({{"name", "company.team.c"}, {"value", "SUCCESS (resolved)"}}));

  const Value expected = {{"company.team.a", "FAILED " + link}, {"company.team.c", "SUCCESS (resolved)"}};
  run("io.kestra.plugin.pagerduty.PagerDutyExecution", target, identity(), variables);
  EXPECT_EQ(last_posted()["payload"]["custom_details"]["Alerts"], expected);
  run("io.kestra.plugin.zenduty.ZendutyExecution", target, identity(), variables);
  EXPECT_EQ(last_posted()["payload"]["Alerts"], expected);
  run("io.kestra.plugin.opsgenie.OpsgenieExecution", target, identity(), variables);
  Value details = last_posted()["details"];
  EXPECT_EQ(details["company.team.a"], "FAILED " + link);
  EXPECT_EQ(details["company.team.c"], "SUCCESS (resolved)");
}

TEST_F(NotifySummaryLookup, AStormOfAlertsNamesFiftyAndCountsTheRest) {
  Value alerts = Value::array();
  for (int i = 0; i < 60; ++i)
    alerts.push_back({{"labels", {{"namespace", "n"}, {"flowId", "f" + std::to_string(i)}}},
                      {"status", "firing"},
                      {"lastExecutionId", "e" + std::to_string(i)},
                      {"lastState", "FAILED"}});
  Value variables = {{"trigger", {{"status", "firing"}, {"reason", "first"}, {"groupKey", "k"}, {"alerts", alerts}}},
                     {"kestra", {{"url", "https://kestra.example"}}}};
  ExecutionSummary s = summary({{"executionId", ""}}, identity(), variables);
  const std::string text = outcome(s);
  EXPECT_TRUE(text.starts_with("60 firing (first): n.f0 FAILED, n.f1 FAILED")) << text;
  EXPECT_TRUE(text.ends_with(", n.f49 FAILED and 10 more")) << text;
  const std::string links = custom_lines(s);
  EXPECT_EQ(std::count(links.begin(), links.end(), '\n'), 50);
  EXPECT_EQ(slack_shaped_message(s, FinalTaskField::AfterCustomFields)["attachments"][0]["fields"].size(), 5u + 50u);
}

TEST_F(NotifySummaryLookup, ReadsAnotherExecutionWithTheCustomParts) {
  executions.add(make_execution("exec-9", State::FAILED, {{"load", State::FAILED, ""}}, 1s));
  ExecutionSummary s = summary({{"executionId", "exec-9"},
                                {"customMessage", "look"},
                                {"customFields", "{\"team\": \"data\"}"}},
                               identity(), {{"kestra", {{"url", "http://k"}}}});
  EXPECT_EQ(s.execution_id, "exec-9");
  EXPECT_EQ(s.state, State::FAILED);
  EXPECT_EQ(s.link, "http://k/ui/main/executions/company.team/etl/exec-9");
  EXPECT_EQ(s.custom_message, "look");
  EXPECT_EQ(s.custom_fields, Value({{"team", "data"}}));
}

TEST_F(NotifySummaryLookup, TheCurrentExecutionIsNotAwaited) {
  executions.add(make_execution("exec-1", State::RUNNING,
                                {{"fail", State::FAILED, ""}, {"notify", State::RUNNING, "", "errors"}}, 0s));
  ExecutionSummary s = summary({{"executionId", "exec-1"}});
  EXPECT_EQ(s.state, State::FAILED);
  EXPECT_EQ(s.failed_task, "fail");
  EXPECT_EQ(s.duration, 10s);  // the clock stands 10 s after the start
  EXPECT_EQ(executions.waits(), 0);
}

TEST_F(NotifySummaryLookup, AnotherExecutionIsAwaitedUntilItEnds) {
  executions.add(make_execution("exec-9", State::RUNNING, {{"a", State::RUNNING, ""}}, 0s));
  auto summarizing = std::async(std::launch::async, [&] { return summary({{"executionId", "exec-9"}}); });
  ASSERT_TRUE(testing::eventually([&] { return executions.waits() >= 1; }));
  executions.add(make_execution("exec-9", State::SUCCESS, {{"a", State::SUCCESS, ""}}, 3s));
  ExecutionSummary s = summarizing.get();
  EXPECT_EQ(s.state, State::SUCCESS);
  EXPECT_EQ(s.duration, 3s);
}

TEST_F(NotifySummaryLookup, AFlowTriggerOnTheCurrentStateIsNotAwaited) {
  executions.add(make_execution("exec-9", State::PAUSED, {{"a", State::SUCCESS, ""}}, 0s));
  ExecutionSummary s = summary({{"executionId", "exec-9"}}, identity(),
                               {{"trigger", {{"executionId", "exec-9"}, {"state", "PAUSED"}}}});
  EXPECT_EQ(s.state, State::PAUSED);
  EXPECT_EQ(executions.waits(), 0);
}

TEST_F(NotifySummaryLookup, AKillEndsTheWaitPromptly) {
  executions.add(make_execution("exec-9", State::RUNNING, {}, 0s));
  auto summarizing = std::async(std::launch::async, [&] { return summary_failure({{"executionId", "exec-9"}}); });
  ASSERT_TRUE(testing::eventually([&] { return executions.waits() >= 1; }));
  auto started = std::chrono::steady_clock::now();
  cancellation->cancel("Execution killed");
  EXPECT_EQ(summarizing.get(), "Execution killed");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST_F(NotifySummaryLookup, Errors) {
  EXPECT_EQ(summary_failure({{"executionId", "nope"}}), "Unable to find execution 'nope'");
  EXPECT_EQ(summary_failure(Value::object()), "Missing required property 'executionId'");
  executions.add(make_execution("exec-9", State::SUCCESS, {}, 1s));
  EXPECT_EQ(summary_failure({{"executionId", "exec-9"}, {"customFields", "not a map"}}),
            "Property 'customFields' must be a map, got \"not a map\"");
  RunContext detached(identity(), Value::object(), clock, cancellation, nullptr);
  try {
    execution_summary(detached, {{"executionId", "exec-9"}});
    ADD_FAILURE() << "no failure";
  } catch (const TaskFailure& e) {
    EXPECT_STREQ(e.what(), "This task reads executions, and none can be read here");
  }
}

}  // namespace
}  // namespace runwatch
