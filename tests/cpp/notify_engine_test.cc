// Notification tasks inside flows run by the engine: an errors branch posting a templated
// payload, SlackExecution on its own execution and on another one, retries on the
// engine's manual clock.
#include <set>

#include "engine_fixture.h"
#include "net_test_server.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

const std::string kArrow = "\xE2\x9E\x9B";

class NotifyEngine : public testing::EngineTest {
 protected:
  testing::LocalServer server;
  testing::Recorder recorder;
  std::atomic<int> failures{0};

  void SetUp() override {
    server.server().Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      recorder.add(req);
      if (failures > 0) {
        --failures;
        res.status = 503;
        res.set_content("busy", "text/plain");
        return;
      }
      res.set_content("ok", "text/plain");
    });
    server.start();
  }
  Value body(size_t i) { return Value::parse(recorder.received().at(i).body); }
  std::vector<AlertEvent> history() {
    engine.wait_recorded();
    return engine.alert_history({}).results;
  }
};

TEST_F(NotifyEngine, AnErrorsBranchPostsItsTemplatedPayload) {
  add(R"(
id: on_failure
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "disk \"full\""
errors:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: ")" + server.url("/hook") + R"("
    payload: |
      {"text": "Failure of {{ flow.namespace }}.{{ flow.id }} ({{ execution.id }}): {{ errorLogs()[0].message }}"}
)");
  auto e = start("on_failure");
  EXPECT_EQ(e->state.current(), State::FAILED);
  ASSERT_EQ(recorder.count(), 1u);
  EXPECT_EQ(body(0), Value({{"text", "Failure of company.team.on_failure (" + e->id + "): disk \"full\""}}));
  EXPECT_EQ(recorder.received()[0].header("Idempotency-Key"), e->id + ":" + run_of(*e, "slack").id);
  EXPECT_EQ(run_of(*e, "slack").state.current(), State::SUCCESS);
  EXPECT_EQ(run_of(*e, "slack").outputs["code"], 200);
  EXPECT_EQ(run_of(*e, "slack").outputs["attempts"], 1);
  // The alert history: the errors branch of the failing flow delivered its notification.
  EXPECT_EQ(history(), std::vector<AlertEvent>{(AlertEvent{.date = testing::test_epoch(),
                                                           .status = "delivered",
                                                           .alert_ns = "company.team",
                                                           .alert_flow_id = "on_failure",
                                                           .ns = "company.team",
                                                           .flow_id = "on_failure",
                                                           .execution_id = e->id,
                                                           .notification_id = e->id,
                                                           .task_id = "slack",
                                                           .idempotency_key = e->id + ":" + run_of(*e, "slack").id})});
}

TEST_F(NotifyEngine, SlackExecutionReportsItsOwnFailureFromTheErrorsBranch) {
  add(R"(
id: own_failure
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
errors:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackExecution
    url: ")" + server.url("/hook") + R"("
    channel: "#alerts"
)");
  auto e = start("own_failure");
  EXPECT_EQ(e->state.current(), State::FAILED);
  ASSERT_EQ(recorder.count(), 1u);
  Value got = body(0);
  EXPECT_EQ(got["text"], "*[company.team] own_failure " + kArrow + " FAILED*\n> Failed on task `fail` after 00:00:00.000");
  EXPECT_EQ(got["attachments"][0]["fields"][2]["value"], e->id);
  EXPECT_EQ(got["attachments"][0]["fields"][4]["value"], "fail");
  EXPECT_EQ(got["channel"], "#alerts");
}

TEST_F(NotifyEngine, AMonitoringFlowReportsAnotherExecution) {
  add(R"(
id: etl
namespace: company.team
tasks:
  - id: extract
    type: io.kestra.plugin.core.log.Log
    message: extracting
  - id: load
    type: io.kestra.plugin.core.execution.Fail
)");
  add(R"(
id: alert
namespace: company.team
inputs:
  - id: failed
    type: STRING
tasks:
  - id: send
    type: io.kestra.plugin.notifications.slack.SlackExecution
    url: ")" + server.url("/hook") + R"("
    executionId: "{{ inputs.failed }}"
    customFields:
      team: data
)");
  auto failed = start("etl");
  ASSERT_EQ(failed->state.current(), State::FAILED);
  auto alert = start("alert", {{"failed", failed->id}});
  EXPECT_EQ(alert->state.current(), State::SUCCESS);
  ASSERT_EQ(recorder.count(), 1u);
  Value got = body(0);
  EXPECT_EQ(got["text"], "*[company.team] etl " + kArrow + " FAILED*\n> Failed on task `load` after 00:00:00.000");
  EXPECT_EQ(got["attachments"][0]["color"], "danger");
  auto fields = got["attachments"][0]["fields"];
  EXPECT_EQ(fields[2]["value"], failed->id);
  EXPECT_EQ(fields[4], Value({{"title", "team"}, {"value", "data"}, {"short", true}}));
  EXPECT_EQ(fields[5]["value"], "load");
}

TEST_F(NotifyEngine, AFlowTriggerSendsTheSummaryOfTheExecutionThatFailed) {
  add(R"(
id: etl
namespace: company.team
tasks:
  - id: load
    type: io.kestra.plugin.core.execution.Fail
)");
  add(R"(
id: failure_alert_to_slack
namespace: company.monitoring
tasks:
  - id: send
    type: io.kestra.plugin.notifications.slack.SlackExecution
    url: ")" + server.url("/hook") + R"("
    channel: "#general"
    executionId: "{{ trigger.executionId }}"
triggers:
  - id: listen
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED, WARNING]
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
        prefix: true
)");
  auto failed = start("etl");
  ASSERT_EQ(failed->state.current(), State::FAILED);
  settle();
  ASSERT_EQ(recorder.count(), 1u);
  Value got = body(0);
  EXPECT_EQ(got["text"], "*[company.team] etl " + kArrow + " FAILED*\n> Failed on task `load` after 00:00:00.000");
  EXPECT_EQ(got["attachments"][0]["fields"][2]["value"], failed->id);
  EXPECT_EQ(got["channel"], "#general");
  auto monitoring = engine.executions({.ns = "company.monitoring"});
  ASSERT_EQ(monitoring.size(), 1u);
  // Delivered, about the execution that failed.
  EXPECT_EQ(history(), std::vector<AlertEvent>{(AlertEvent{
                           .date = testing::test_epoch(),
                           .status = "delivered",
                           .alert_ns = "company.monitoring",
                           .alert_flow_id = "failure_alert_to_slack",
                           .ns = "company.team",
                           .flow_id = "etl",
                           .execution_id = failed->id,
                           .notification_id = monitoring[0]->id,
                           .task_id = "send",
                           .idempotency_key = monitoring[0]->id + ":" + run_of(*monitoring[0], "send").id})});
}

TEST_F(NotifyEngine, ADeliveryThatFailedIsInTheHistoryWithItsReason) {
  failures = 3;
  add(R"(
id: on_failure
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
errors:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: ")" +
      server.url("/hook") + R"("
    messageText: it failed
)");
  auto e = start("on_failure");
  advance(1s);
  advance(2s);
  e = latest(e);
  ASSERT_EQ(run_of(*e, "slack").state.current(), State::FAILED);
  auto found = history();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].status, "failed");
  EXPECT_EQ(found[0].date, testing::test_epoch() + 3s);
  EXPECT_EQ(found[0].reason, "Slack webhook answered 503 after 3 attempts: busy");
  EXPECT_EQ(found[0].idempotency_key, e->id + ":" + run_of(*e, "slack").id);
  EXPECT_EQ(engine.alert_history({.status = "delivered"}).total, 0u);
}

TEST_F(NotifyEngine, RetriesWaitOnTheEnginesClock) {
  failures = 2;
  add(R"(
id: retrying
namespace: company.team
tasks:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: ")" + server.url("/hook") + R"("
    messageText: hello
)");
  auto e = start("retrying");
  EXPECT_EQ(recorder.count(), 1u);  // waiting for the clock: idle
  advance(1s);
  EXPECT_EQ(recorder.count(), 2u);
  advance(2s);
  e = latest(e);
  EXPECT_EQ(e->state.current(), State::SUCCESS);
  EXPECT_EQ(run_of(*e, "slack").outputs["attempts"], 3);
  std::vector<State> attempts;
  for (const auto& a : run_of(*e, "slack").attempts) attempts.push_back(a.state.current());
  EXPECT_EQ(attempts, (std::vector<State>{State::FAILED, State::FAILED, State::SUCCESS}));
  std::set<std::string> keys;
  for (const auto& r : recorder.received()) keys.insert(r.header("Idempotency-Key"));
  EXPECT_EQ(keys, (std::set<std::string>{e->id + ":" + run_of(*e, "slack").id}));
  EXPECT_TRUE(messages(*e, LogLevel::ERROR).empty());  // errorLogs() sees final failures only
  EXPECT_EQ(messages(*e, LogLevel::WARN),
            (std::vector<std::string>{"slack: Slack webhook: answered 503 (attempt 1 of 3), trying again in PT1S",
                                      "slack: Slack webhook: answered 503 (attempt 2 of 3), trying again in PT2S"}));
}

TEST_F(NotifyEngine, AWaitingRetryHoldsNoWorker) {
  add(R"(
id: notify
namespace: company.team
tasks:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: ")" + server.url("/hook") + R"("
    messageText: hello
)");
  // Every worker's first request fails: each execution waits for its retry, and the
  // others still get a worker at once.
  const int executions = engine.worker_threads() * 2;
  failures = executions;
  for (int i = 0; i < executions; ++i) engine.submit("company.team", "notify");
  settle();
  EXPECT_EQ(recorder.count(), static_cast<size_t>(executions));
  advance(1s);
  EXPECT_EQ(recorder.count(), static_cast<size_t>(executions) * 2);
  for (const auto& e : engine.executions()) EXPECT_EQ(e->state.current(), State::SUCCESS);
}

TEST_F(NotifyEngine, AKillDuringBackoffEndsTheTask) {
  failures = 3;
  add(R"(
id: killed
namespace: company.team
tasks:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: ")" + server.url("/hook") + R"("
    messageText: hello
)");
  auto e = start("killed");
  ASSERT_TRUE(engine.kill(e->id));
  settle();
  e = latest(e);
  EXPECT_EQ(e->state.current(), State::KILLED);
  EXPECT_EQ(recorder.count(), 1u);
}

}  // namespace
}  // namespace runwatch
