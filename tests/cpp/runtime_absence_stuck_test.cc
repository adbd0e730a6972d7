// The Absence and Stuck triggers in an engine on a manual clock and a SQLite file: a
// deadline met, missed and met late; an engine down over a deadline; an execution stuck
// past `after`, across a restart; and their definitions refused where they are wrong.
#include <gtest/gtest.h>

#include "alert_trigger_fixture.h"
#include "flow_issue_lines.h"
#include "runwatch/condition/lint.h"
#include "runwatch/flow/loader.h"
#include "runwatch/model/time.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using testing::job;

// The epoch is 2023-11-14T22:13:20Z.
TimePoint at(const char* instant) { return *parse_instant(instant); }

std::string monitor_flow(const std::string& type, const std::string& properties) {
  return R"(
id: watch
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.status }} {{ trigger.reason }}"
triggers:
  - id: watch
    type: io.runwatch.plugin.trigger.)" +
         type + "\n" + properties;
}

const std::string kNightlyExpected = R"(    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: nightly
    expectBy: "0 6 * * *"
)";

class AbsenceStuckTest : public testing::AlertTriggerTest {
 protected:
  void advance_to(const char* instant) { advance(at(instant) - clock->now()); }
};

TEST_F(AbsenceStuckTest, ADailyDeadlineMetMissedAndMetLateAndAnEngineDownOverOneFiresOnStart) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(monitor_flow("Absence", kNightlyExpected), "watch.yaml");
  // Loaded mid-interval: its first deadline is the one after a whole day, 2023-11-16 06:00.
  advance_to("2023-11-15T05:00:00Z");
  run("nightly", false);
  advance_to("2023-11-16T05:00:00Z");
  const std::string on_time = run("nightly", false);
  run("nightly", true);  // a failure is no run
  advance_to("2023-11-17T05:59:59Z");
  EXPECT_TRUE(notifications().empty());  // each deadline had its run
  ASSERT_EQ(engine->alerts().size(), 1u);
  EXPECT_EQ(engine->alerts()[0].alerts.at(0).due, at("2023-11-17T06:00:00Z"));

  advance(1s);  // 06:00, missed: it fires, the notification waits groupWait
  restart();
  advance(29s);
  EXPECT_TRUE(notifications().empty());
  advance(1s);
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["status"], "firing");
  EXPECT_EQ(sent[0]["reason"], "first");
  EXPECT_EQ(sent[0]["deadline"], "2023-11-17T06:00:00Z");
  EXPECT_EQ(sent[0]["lastExecutionId"], on_time);
  EXPECT_EQ(sent[0]["lastDate"], "2023-11-16T05:00:00Z");
  EXPECT_EQ(sent[0]["alerts"], Value::parse(R"([{"labels": {"namespace": "company.team", "flowId": "nightly"},
    "status": "firing", "streak": 1, "count": 1, "startsAt": "2023-11-17T06:00:00Z", "firstExecutionId": "",
    "lastExecutionId": ")" + on_time + R"(", "lastDate": "2023-11-16T05:00:00Z", "lastState": "SUCCESS",
    "deadline": "2023-11-17T06:00:00Z"}])"));
  const std::string text = engine->metrics().prometheus_text();
  EXPECT_NE(text.find("kestra_alerts{state=\"firing\"} 1\n"), std::string::npos);
  advance(1h);
  EXPECT_EQ(notifications().size(), 1u);  // nothing changed

  advance_to("2023-11-17T08:00:00Z");
  const std::string late = run("nightly", false);
  advance(5min);  // the next group interval
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["status"], "resolved");
  EXPECT_EQ(sent[1]["reason"], "resolved");
  EXPECT_EQ(sent[1]["alerts"][0]["status"], "resolved");
  EXPECT_EQ(sent[1]["lastExecutionId"], late);
  // The late run met 2023-11-18 06:00 too; the next deadline is 2023-11-19 06:00.
  EXPECT_EQ(engine->alerts()[0].alerts.at(0).due, at("2023-11-19T06:00:00Z"));

  engine->stop();
  engine.reset();
  clock->set(at("2023-11-19T07:00:00Z"));  // down over the deadline
  open();
  settle();
  sent = notifications();
  ASSERT_EQ(sent.size(), 3u);  // fired on start; its group wait was over
  EXPECT_EQ(sent[2]["reason"], "first");
  EXPECT_EQ(sent[2]["deadline"], "2023-11-19T06:00:00Z");
  EXPECT_EQ(sent[2]["lastExecutionId"], late);
}

TEST_F(AbsenceStuckTest, MaxIntervalCountsFromTheLastRunOfEachFlowThatRanAndForgetsARemovedFlow) {
  open();
  engine->add_flow(job("a"), "a.yaml");
  engine->add_flow(job("b"), "b.yaml");
  engine->add_flow(monitor_flow("Absence", R"(    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
    maxInterval: PT2H
    groupWait: PT0S
)"),
                   "watch.yaml");
  const TimePoint t0 = clock->now();
  run("a", false);
  advance(1h);
  run("b", false);
  advance(1h);  // a is due now
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0]["alerts"].size(), 1u);
  EXPECT_EQ(sent[0]["alerts"][0]["labels"]["flowId"], "a");
  EXPECT_EQ(sent[0]["deadline"], format_instant(t0 + 2h));
  ASSERT_TRUE(engine->remove_flow("company.team", "b"));
  advance(2h);  // b is no longer loaded: it is never missed
  EXPECT_EQ(notifications().size(), 1u);
  ASSERT_EQ(engine->alerts()[0].alerts.size(), 1u);
  EXPECT_EQ(engine->alerts()[0].alerts[0].labels["flowId"], "a");
}

std::string slow_flow(const std::string& task) { return "id: slow\nnamespace: company.team\ntasks:\n" + task; }

TEST_F(AbsenceStuckTest, ATaskSleepingPastAfterFiresOnceWithItsTaskAndResolvesWhenItEnds) {
  open();
  engine->add_flow(slow_flow("  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT2H\n"),
                   "slow.yaml");
  engine->add_flow(monitor_flow("Stuck", "    after: PT1H\n"), "watch.yaml");
  const TimePoint t0 = clock->now();
  auto stuck = engine->submit("company.team", "slow", Value::object());
  settle();
  advance(59min);
  EXPECT_TRUE(notifications().empty());
  advance(1min + 30s);
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["alerts"], Value::parse(R"([{"labels": {"namespace": "company.team", "flowId": "slow",
    "executionId": ")" + stuck->id + R"("}, "status": "firing", "streak": 1, "count": 1, "startsAt": ")" +
                                            format_instant(t0 + 1h) + R"(", "firstExecutionId": ")" + stuck->id +
                                            R"(", "lastExecutionId": ")" + stuck->id + R"(", "lastDate": ")" +
                                            format_instant(t0) + R"(", "lastState": "RUNNING", "task": "nap"}])"));
  advance(59min);                         // a group interval passes at 1 h 59 min 30 s: nothing changed
  advance(30s);                           // the sleep ends at 2 h
  EXPECT_EQ(notifications().size(), 1u);  // once per execution
  advance(4min + 30s);                    // the next group interval tells
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["status"], "resolved");
  EXPECT_EQ(sent[1]["alerts"][0]["lastState"], "SUCCESS");
  EXPECT_TRUE(engine->alerts()[0].alerts.empty());
}

TEST_F(AbsenceStuckTest, APausedExecutionIsStuckAcrossARestartAndOneAlreadyRunningIsWatchedByANewTrigger) {
  open();
  engine->add_flow(slow_flow("  - id: hold\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT3H\n"),
                   "slow.yaml");
  auto before = engine->submit("company.team", "slow", Value::object());  // before the trigger exists
  settle();
  advance(10min);
  engine->add_flow(monitor_flow("Stuck", "    after: PT1H\n    groupWait: PT0S\n"), "watch.yaml");
  auto after = engine->submit("company.team", "slow", Value::object());
  settle();
  advance(30min);
  restart();
  advance(20min);  // `before` entered its states 60 min ago
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0]["alerts"].size(), 1u);
  EXPECT_EQ(sent[0]["alerts"][0]["labels"]["executionId"], before->id);
  EXPECT_EQ(sent[0]["alerts"][0]["lastState"], "PAUSED");
  EXPECT_EQ(sent[0]["alerts"][0]["task"], "hold");
  advance(10min);  // `after` now, in the next group interval
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["reason"], "new");
  EXPECT_EQ(sent[1]["alerts"].size(), 2u);
}

TEST_F(AbsenceStuckTest, AnExecutionThatEndsBeforeAfterIsForgottenWithoutANotification) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(monitor_flow("Stuck", "    after: PT1M\n"), "watch.yaml");
  run("nightly", true);
  run("nightly", false);
  advance(10min);
  EXPECT_TRUE(notifications().empty());
  EXPECT_TRUE(engine->alerts()[0].alerts.empty());
}

std::vector<std::string> monitor_issues(const std::string& type, const std::string& properties) {
  auto loaded = load_flow(monitor_flow(type, properties), "f.yaml", {PluginRegistry::global()});
  return testing::issue_lines(loaded);
}

TEST(AbsenceStuckDefinition, BadPropertiesAreRefusedWhereTheyAre) {
  EXPECT_TRUE(monitor_issues("Absence", "    maxInterval: PT1H\n").empty());
  EXPECT_TRUE(monitor_issues("Stuck", "    after: PT1H\n").empty());
  EXPECT_EQ(monitor_issues("Absence", "    states: [SUCCESS]\n"),
            std::vector<std::string>{"triggers[0] 9:5 give 'expectBy' (a cron: by each of its dates a run must "
                                     "have ended) or 'maxInterval' (a duration: the longest time between two runs)"});
  EXPECT_EQ(monitor_issues("Absence", "    maxInterval: PT1H\n    expectBy: \"0 6 * * *\"\n"),
            std::vector<std::string>{"triggers[0] 9:5 give either 'expectBy' or 'maxInterval', not both"});
  EXPECT_EQ(monitor_issues("Absence", "    expectBy: \"0 0 30 2 *\"\n"),
            std::vector<std::string>{"triggers[0].expectBy 11:15 the cron '0 0 30 2 *' never fires: no deadline "
                                     "would ever come"});
  EXPECT_EQ(monitor_issues("Absence", "    maxInterval: PT0S\n"),
            std::vector<std::string>{
                "triggers[0].maxInterval 11:18 'maxInterval' must be a positive ISO-8601 duration such as PT25H"});
  EXPECT_EQ(monitor_issues("Absence", "    maxInterval: PT1H\n    states: [SUCCESS, RUNNING]\n"),
            std::vector<std::string>{"triggers[0].states[1] 12:23 RUNNING is not a state an execution ends in: a "
                                     "run counts once it ended"});
  EXPECT_EQ(monitor_issues("Stuck", "    states: [RUNNING]\n"),
            std::vector<std::string>{"triggers[0].after 9:5 missing required property 'after'"});
  EXPECT_EQ(monitor_issues("Stuck", "    after: PT1H\n    states: [RUNNING, FAILED]\n"),
            std::vector<std::string>{"triggers[0].states[1] 12:23 FAILED is a state an execution ends in: an ended "
                                     "execution is never stuck"});
  EXPECT_EQ(
      monitor_issues("Stuck", "    after: -PT1H\n"),
      std::vector<std::string>{"triggers[0].after 11:12 'after' must be a positive ISO-8601 duration such as PT1H"});
  EXPECT_EQ(monitor_issues("Stuck", "    after: PT100000H\n    repeatInterval: PT2562047H\n"),
            (std::vector<std::string>{
                "triggers[0].after 11:12 'after' must be at most P3660D (about ten years)",
                "triggers[0].repeatInterval 12:21 'repeatInterval' must be at most P3660D (about ten years)"}));
  EXPECT_EQ(monitor_issues("Absence", "    expectBy: \"0 6 * * *\"\n    timezone: ../../etc/passwd\n"),
            std::vector<std::string>{"triggers[0].timezone 12:15 unknown time zone '../../etc/passwd'"});
  const auto huge = monitor_issues("Absence", "    expectBy: \"" + std::string(10'000, '*') + "\"\n");
  ASSERT_EQ(huge.size(), 1u);
  EXPECT_TRUE(huge[0].starts_with("triggers[0].expectBy 11:15 ")) << huge[0];
  EXPECT_EQ(monitor_issues("Stuck", "    after: PT1H\n    preconditions: {}\n"),
            std::vector<std::string>{"triggers[0].preconditions 12:5 an alerting trigger takes 'conditions' and "
                                     "'when', not 'preconditions'"});
}

std::vector<std::string> monitor_lint(const std::string& type, const std::string& properties) {
  auto loaded = load_flow(monitor_flow(type, properties), "f.yaml", {PluginRegistry::global()});
  EXPECT_TRUE(loaded.flow) << testing::issue_lines(loaded).at(0);
  std::vector<std::string> out;
  for (const auto& issue : lint_flow(*loaded.flow)) out.push_back(issue.path + " " + issue.message);
  return out;
}

TEST(AbsenceStuckDefinition, TheLintFlagsAMonitorWhoseConditionsExcludeItsStates) {
  const std::string failed_only =
      "    conditions:\n      - type: io.kestra.plugin.core.condition.ExecutionStatus\n        in: [FAILED]\n";
  EXPECT_EQ(monitor_lint("Absence", failed_only + "    maxInterval: PT1H\n"),
            std::vector<std::string>{"triggers[0] conditions[0] (ExecutionStatus in [FAILED]) and its states "
                                     "[SUCCESS, WARNING] can never both hold: no execution counts as a run: its "
                                     "alerts never resolve"});
  EXPECT_EQ(monitor_lint("Stuck", failed_only + "    after: PT1H\n"),
            std::vector<std::string>{"triggers[0] conditions[0] (ExecutionStatus in [FAILED]) and its states "
                                     "[CREATED, RUNNING, PAUSED, QUEUED] can never both hold: this trigger never "
                                     "fires"});
  EXPECT_TRUE(monitor_lint("Stuck", "    after: PT1H\n").empty());
}

}  // namespace
}  // namespace runwatch
