// The Alert trigger in an engine on a manual clock and a SQLite file: streaks, grouping,
// repeat and resolution, each notification one execution of the alert flow, and restarts
// in the middle that lose nothing and send nothing twice.
#include <gtest/gtest.h>

#include "alert_trigger_fixture.h"
#include "engine_fixture.h"
#include "flow_issue_lines.h"
#include "runwatch/condition/lint.h"
#include "runwatch/engine.h"
#include "runwatch/flow/loader.h"
#include "runwatch/model/time.h"
#include "runwatch/store/repository.h"
#include "runwatch/store/sqlite_repository.h"
#include "runwatch/tasks/registry.h"
#include "store_test_support.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using testing::test_epoch;

using testing::alert_flow;
using testing::AlertTriggerTest;
using testing::job;

TEST_F(AlertTriggerTest, AStreakOfThreeFiresOnceAtTheSixthAndResolvesAtTheNextSuccess) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(alert_flow("    consecutive: 3\n"), "alerts.yaml");
  const bool fails[] = {true, true, false, true, true, true};
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    if (i == 4) restart();  // the streak so far is kept
    ids.push_back(run("nightly", fails[i]));
    if (i < 5) advance(1min);
  }
  const TimePoint sixth = clock->now();
  advance(29s);
  EXPECT_TRUE(notifications().empty());  // groupWait: 30 s
  advance(1s);
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["status"], "firing");
  EXPECT_EQ(sent[0]["reason"], "first");
  EXPECT_EQ(sent[0]["groupKey"], "company.monitoring.alerts/failures");
  EXPECT_EQ(sent[0]["alerts"], Value::parse(R"([{"labels": {"namespace": "company.team", "flowId": "nightly"},
    "status": "firing", "streak": 3, "count": 3, "startsAt": ")" +
                                            format_instant(sixth) + R"(",
    "firstExecutionId": ")" + ids[3] + R"(", "lastExecutionId": ")" +
                                            ids[5] + R"(",
    "lastDate": ")" + format_instant(sixth) +
                                            R"(", "lastState": "FAILED"}])"));
  const std::string text = engine->metrics().prometheus_text();
  EXPECT_NE(text.find("kestra_alerts{state=\"firing\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kestra_alerts{state=\"pending\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("kestra_alert_notifications_total{outcome=\"sent\",reason=\"first\"} 1\n"), std::string::npos);
  auto alerts = engine->executions({.ns = "company.monitoring"});
  EXPECT_EQ(testing::EngineTest::messages(*alerts[0], LogLevel::INFO), std::vector<std::string>{"log: firing first 1"});

  restart();
  advance(10min);
  EXPECT_EQ(notifications().size(), 1u);  // nothing changed: no repeat before 4 h
  ids.push_back(run("nightly", false));
  const TimePoint resolved_at = clock->now();
  advance(5min);  // the next group interval
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["status"], "resolved");
  EXPECT_EQ(sent[1]["reason"], "resolved");
  ASSERT_EQ(sent[1]["alerts"].size(), 1u);
  EXPECT_EQ(sent[1]["alerts"][0]["status"], "resolved");
  EXPECT_EQ(sent[1]["alerts"][0]["lastExecutionId"], ids[6]);
  EXPECT_EQ(sent[1]["alerts"][0]["lastState"], "SUCCESS");
  EXPECT_EQ(sent[1]["alerts"][0]["lastDate"], format_instant(resolved_at));
  advance(5h);
  EXPECT_EQ(notifications().size(), 2u);  // resolved alerts are forgotten
  EXPECT_TRUE(engine->alerts().at(0).alerts.empty());
}

TEST_F(AlertTriggerTest, AStormOfTwentyFlowsIsOneNotificationThenNewRepeatAndResolvedOnes) {
  open();
  for (int f = 0; f < 25; ++f) engine->add_flow(job("job" + std::to_string(f)), "job.yaml");
  engine->add_flow(alert_flow(""), "alerts.yaml");
  const TimePoint storm = clock->now();
  for (int i = 0; i < 200; ++i) {
    engine->submit("company.team", "job" + std::to_string(i % 20), {{"fail", true}});
    if (i % 20 == 19) advance(1s);
  }
  advance(20s);  // 30 s after the first failure
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["reason"], "first");
  ASSERT_EQ(sent[0]["alerts"].size(), 20u);
  EXPECT_EQ(sent[0]["alerts"][0]["count"], 10);
  EXPECT_EQ(sent[0]["alerts"][0]["streak"], 10);
  EXPECT_EQ(sent[0]["alerts"][0]["startsAt"], format_instant(storm));

  advance(30s);  // a minute after the storm: five more flows fail
  for (int f = 20; f < 25; ++f) run("job" + std::to_string(f), true);
  restart();
  advance(4min + 29s);
  EXPECT_EQ(notifications().size(), 1u);
  advance(1s);  // 5 min after the first notification
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["reason"], "new");
  EXPECT_EQ(sent[1]["alerts"].size(), 25u);

  // Nothing changes for four hours: one repeat, at the first group interval past 4 h.
  for (int i = 0; i < 48; ++i) advance(5min);
  EXPECT_EQ(notifications().size(), 2u);
  advance(5min);
  sent = notifications();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2]["reason"], "repeat");
  EXPECT_EQ(sent[2]["alerts"].size(), 25u);

  for (int f = 0; f < 25; ++f) run("job" + std::to_string(f), false);
  advance(5min);
  sent = notifications();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[3]["status"], "resolved");
  EXPECT_EQ(sent[3]["reason"], "resolved");
  EXPECT_EQ(sent[3]["alerts"].size(), 25u);
  advance(5h);
  EXPECT_EQ(notifications().size(), 4u);
}

TEST_F(AlertTriggerTest, EachTriggerWakesAtItsOwnTimeWhateverTheOrderOfItsFlowAndARemovedOneNever) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  auto waiting = [](const std::string& id, const std::string& group_wait) {
    std::string flow = alert_flow("    groupWait: " + group_wait + "\n");
    return flow.replace(flow.find("id: alerts"), 10, "id: " + id);
  };
  engine->add_flow(waiting("alerts", "PT1M"), "alerts.yaml");
  engine->add_flow(waiting("early", "PT10S"), "early.yaml");  // due first, though its key sorts after
  engine->add_flow(waiting("removed", "PT5S"), "removed.yaml");
  run("nightly", true);
  ASSERT_TRUE(engine->remove_flow("company.monitoring", "removed"));  // its due wake goes with it
  advance(10s);
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["groupKey"], "company.monitoring.early/failures");
  advance(49s);
  EXPECT_EQ(notifications().size(), 1u);
  advance(1s);
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["groupKey"], "company.monitoring.alerts/failures");
}

TEST_F(AlertTriggerTest, StatesInNeitherListNeitherExtendNorBreakAStreak) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(alert_flow("    consecutive: 2\n    resolving: [SUCCESS]\n    firing: [FAILED]\n"), "alerts.yaml");
  run("nightly", true);
  auto warned = engine->submit("company.team", "nightly", {{"warn", true}});
  settle();
  ASSERT_EQ(engine->execution(warned->id)->state.current(), State::WARNING);
  run("nightly", true);
  advance(30s);
  ASSERT_EQ(notifications().size(), 1u);
  EXPECT_EQ(notifications()[0]["alerts"][0]["streak"], 2);
}

TEST_F(AlertTriggerTest, WhenChoosesTheExecutionsWatchedAndGroupByALabelGroupsAcrossFlows) {
  open();
  engine->add_flow(job("a"), "a.yaml");
  engine->add_flow(job("b"), "b.yaml");
  engine->add_flow(alert_flow("    when: \"{{ labels.env == 'prod' }}\"\n    groupBy: [labels.team]\n"), "alerts.yaml");
  auto fail = [&](const std::string& flow, const std::string& env, const std::string& team) {
    engine->submit("company.team", flow, {{"fail", true}}, {{"env", env}, {"team", team}});
    settle();
  };
  fail("a", "dev", "data");
  fail("a", "prod", "data");
  fail("b", "prod", "data");
  fail("b", "prod", "ops");
  advance(30s);
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0]["alerts"].size(), 2u);
  EXPECT_EQ(sent[0]["alerts"][0]["labels"], Value({{"labels.team", "data"}}));
  EXPECT_EQ(sent[0]["alerts"][0]["count"], 2);  // a and b, not the dev one
  EXPECT_EQ(sent[0]["alerts"][1]["labels"], Value({{"labels.team", "ops"}}));
}

TEST_F(AlertTriggerTest, AChangedRuleStartsAfreshAndARemovedTriggerForgetsItsAlerts) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(alert_flow("    consecutive: 2\n"), "alerts.yaml");
  run("nightly", true);
  ASSERT_EQ(engine->alerts().at(0).alerts.size(), 1u);
  engine->add_flow(alert_flow("    consecutive: 2\n    groupWait: PT1M\n"), "alerts.yaml");
  EXPECT_TRUE(engine->alerts().at(0).alerts.empty());
  run("nightly", true);
  restart();
  ASSERT_EQ(engine->alerts().at(0).alerts.size(), 1u);
  EXPECT_EQ(engine->alerts().at(0).alerts[0].streak, 1);
  engine->remove_flow("company.monitoring", "alerts");
  settle();
  restart();
  EXPECT_TRUE(engine->alerts().empty());
  EXPECT_TRUE(engine->repository().states(store::kAlertState).empty());
}

TEST_F(AlertTriggerTest, TheDryRunNamesTheAlertTriggersThatWatchAnExecution) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(alert_flow(""), "alerts.yaml");
  auto failed = engine->matching_triggers("company.team", "nightly", State::FAILED);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].trigger->id, "failures");
  EXPECT_EQ(engine->matching_triggers("company.team", "nightly", State::WARNING).size(), 0u);
  EXPECT_EQ(engine->matching_triggers("company.other", "nightly", State::FAILED).size(), 0u);
}

std::vector<std::string> alert_issues(const std::string& properties) {
  return testing::issue_lines(alert_flow(properties));
}

TEST(AlertTriggerDefinition, AValidOneLoadsWithItsDefaults) {
  EXPECT_TRUE(alert_issues("").empty());
  auto loaded = load_flow(alert_flow(""), "f.yaml", {PluginRegistry::global()});
  ASSERT_TRUE(loaded.flow);
  const auto& p = loaded.flow->triggers.at(0).properties;
  EXPECT_EQ(p.at("groupWait"), "PT30S");
  EXPECT_EQ(p.at("groupInterval"), "PT5M");
  EXPECT_EQ(p.at("repeatInterval"), "PT4H");
  EXPECT_EQ(p.at("consecutive"), 1);
  EXPECT_EQ(p.at("groupBy"), Value::parse(R"(["namespace", "flowId"])"));
  EXPECT_TRUE(
      alert_issues("    groupBy: [labels.team, flowId]\n    consecutive: 3\n    sendResolved: false\n").empty());
}

TEST(AlertTriggerDefinition, BadPropertiesAreRefusedWhereTheyAre) {
  EXPECT_EQ(alert_issues("    consecutive: PT5M\n"),
            std::vector<std::string>{
                "triggers[0].consecutive 14:18 'consecutive' counts executions in a row (an integer such as 3), not "
                "a duration: an alert fires once that many watched executions of a group in a row ended in a firing "
                "state"});
  EXPECT_EQ(
      alert_issues("    consecutive: 0\n"),
      std::vector<std::string>{"triggers[0].consecutive 14:18 'consecutive' must be an integer from 1 to 1000000"});
  EXPECT_EQ(alert_issues("    for: 3\n"),
            std::vector<std::string>{"triggers[0].for 14:5 'for' is a duration in Prometheus and Grafana; the number "
                                     "of failing executions in a row before an alert fires is 'consecutive' (an "
                                     "integer such as 3)"});
  EXPECT_EQ(alert_issues("    firing: [FAILED, WARNING]\n    resolving: [SUCCESS, WARNING]\n"),
            std::vector<std::string>{"triggers[0].resolving 15:16 state WARNING is both in 'firing' and in "
                                     "'resolving': an execution ending in it would fire and resolve the same alert"});
  EXPECT_EQ(alert_issues("    groupInterval: PT10M\n    repeatInterval: PT5M\n"),
            std::vector<std::string>{"triggers[0].repeatInterval 15:21 'repeatInterval' (PT5M) must not be shorter "
                                     "than 'groupInterval' (PT10M): a notification is sent at most once per group "
                                     "interval"});
  EXPECT_EQ(alert_issues("    groupBy: [flowId, owner, flowId, labels.]\n"),
            (std::vector<std::string>{
                "triggers[0].groupBy[1] 14:23 'owner' is not a grouping: use namespace, flowId or labels.<key>",
                "triggers[0].groupBy[2] 14:30 'flowId' is given twice",
                "triggers[0].groupBy[3] 14:38 'labels.' is not a grouping: use namespace, flowId or labels.<key>"}));
  EXPECT_EQ(alert_issues("    groupInterval: PT0S\n"),
            std::vector<std::string>{"triggers[0].groupInterval 14:20 'groupInterval' must be positive"});
  EXPECT_EQ(alert_issues("    states: [FAILED]\n"),
            std::vector<std::string>{
                "triggers[0].states 14:5 an Alert trigger takes 'firing' and 'resolving' states, not 'states'"});
}

std::vector<std::string> alert_lint(const std::string& status_in, const std::string& properties = "") {
  std::string yaml = alert_flow(
      "      - type: io.kestra.plugin.core.condition.ExecutionStatus\n        in: " + status_in + "\n" + properties);
  auto loaded = load_flow(yaml, "f.yaml", {PluginRegistry::global()});
  EXPECT_TRUE(loaded.flow) << testing::issue_lines(loaded).at(0);
  std::vector<std::string> out;
  for (const auto& issue : lint_flow(*loaded.flow)) out.push_back(issue.path + " " + issue.message);
  return out;
}

TEST(AlertTriggerDefinition, TheLintFlagsAnAlertThatCanNeverFireOrResolve) {
  EXPECT_TRUE(alert_lint("[FAILED, SUCCESS]").empty());
  EXPECT_EQ(alert_lint("[SUCCESS]"),
            std::vector<std::string>{"triggers[0] conditions[1] (ExecutionStatus in [SUCCESS]) and its firing states "
                                     "[FAILED] can never both hold: this trigger never fires"});
  EXPECT_EQ(alert_lint("[FAILED]"),
            std::vector<std::string>{"triggers[0] conditions[1] (ExecutionStatus in [FAILED]) and its resolving states "
                                     "[SUCCESS] can never both hold: its alerts never resolve"});
  EXPECT_TRUE(alert_lint("[FAILED, WARNING]", "    resolving: [WARNING, SUCCESS]\n").empty());
}

}  // namespace
}  // namespace runwatch

// Silences: Alertmanager's checks and matching, then muting an Alert trigger's alerts and a
// Flow trigger's monitoring executions, kept across a restart and forgotten after the
// retention.
namespace runwatch {
namespace {

using namespace std::chrono_literals;

std::string refusal(const std::string& body) {
  try {
    read_silence(Value::parse(body), testing::test_epoch());
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

const std::string kEnd = R"("endsAt": "2023-11-15T00:00:00Z")";

TEST(SilenceDefinition, BadSilencesAreRefusedNamingTheField) {
  EXPECT_EQ(refusal("[]"), "a silence must be a JSON object with matchers, startsAt and endsAt");
  EXPECT_EQ(refusal("{" + kEnd + "}"), "matchers: at least one matcher required");
  EXPECT_EQ(refusal(R"({"matchers": [], )" + kEnd + "}"), "matchers: at least one matcher required");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": ""}], )" + kEnd + "}"),
            "matchers: at least one matcher must not match the empty string");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": ".*", "isRegex": true}], )" + kEnd + "}"),
            "matchers: at least one matcher must not match the empty string");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "owner", "value": "a"}], )" + kEnd + "}"),
            "matchers[0].name: 'owner' is not a matcher name: namespace, flowId, state, alert or labels.<key>");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": "(a", "isRegex": true}], )" + kEnd + "}"),
            "matchers[0].value: invalid regular expression: missing ): (a");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": 3}], )" + kEnd + "}"),
            "matchers[0].value: must be a string");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": "a", "isEqual": "no"}], )" + kEnd + "}"),
            "matchers[0].isEqual: must be true or false");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": "a"}]})"), "endsAt: required");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": "a"}], "endsAt": "tomorrow"})"),
            "endsAt: not an ISO-8601 date-time with a zone: 'tomorrow'");
  EXPECT_EQ(
      refusal(R"({"matchers": [{"name": "flowId", "value": "a"}], "startsAt": "2023-11-16T00:00:00Z", )" + kEnd + "}"),
      "endsAt: end time must not be before start time");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "flowId", "value": "a"}], "startsAt": "2023-11-13T00:00:00Z",
                        "endsAt": "2023-11-14T00:00:00Z"})"),
            "endsAt: end time can't be in the past");
  EXPECT_EQ(refusal(R"({"id": "x", "matchers": [{"name": "flowId", "value": "a"}], )" + kEnd + "}"),
            "id: a silence cannot be changed; expire it and add a new one");
  EXPECT_EQ(refusal(R"({"matchers": [{"name": "labels.team", "value": "data"}], )" + kEnd + "}"), "accepted");
  // Bounded: at most 100 matchers, texts of at most 4 KiB.
  Value many = Value::parse(R"({"endsAt": "2023-11-15T00:00:00Z", "matchers": []})");
  for (int i = 0; i < 101; ++i) many["matchers"].push_back({{"name", "flowId"}, {"value", "a"}});
  EXPECT_EQ(refusal(many.dump()), "matchers: more than 100 matchers");
  Value long_value = Value::parse(R"({"endsAt": "2023-11-15T00:00:00Z"})");
  long_value["matchers"] = Value::array({{{"name", "flowId"}, {"value", std::string(5000, 'a')}}});
  EXPECT_EQ(refusal(long_value.dump()), "matchers[0].value: longer than 4096 bytes");
}

TEST(SilenceDefinition, MatchersMatchTheWholeValueAndAMissingLabelAsEmpty) {
  auto silence = read_silence(Value::parse(R"({"matchers": [
      {"name": "namespace", "value": "company\\..*", "isRegex": true},
      {"name": "state", "value": "WARNING", "isEqual": false},
      {"name": "labels.team", "value": "ops|", "isRegex": true, "isEqual": true}], )" +
                                           kEnd + "}"),
                              testing::test_epoch());
  EXPECT_EQ(silence.starts_at, testing::test_epoch());  // now, by default
  EXPECT_TRUE(silence.matches({{"namespace", "company.team"}, {"state", "FAILED"}}));
  EXPECT_TRUE(silence.matches({{"namespace", "company.team"}, {"state", "FAILED"}, {"labels.team", "ops"}}));
  EXPECT_FALSE(silence.matches({{"namespace", "company.team"}, {"state", "FAILED"}, {"labels.team", "ops2"}}));
  EXPECT_FALSE(silence.matches({{"namespace", "xcompany.team"}, {"state", "FAILED"}}));
  EXPECT_FALSE(silence.matches({{"namespace", "company.team"}, {"state", "WARNING"}}));
}

TEST_F(AlertTriggerTest, ASilenceMutesItsAlertsAndAnExpiredOneNoLonger) {
  open();
  for (const char* flow : {"a", "b"}) engine->add_flow(job(flow), std::string(flow) + ".yaml");
  engine->add_flow(alert_flow(""), "alerts.yaml");
  auto muting_a = engine->silences().add(Value::parse(
      R"({"matchers": [{"name": "flowId", "value": "a"}, {"name": "alert", "value": "company.monitoring.alerts"}],
          "endsAt": "2023-11-15T00:00:00Z", "createdBy": "ops", "comment": "a is being fixed"})"));
  EXPECT_EQ(muting_a.state(clock->now()), SilenceState::Active);
  run("a", true);
  advance(30s);
  EXPECT_TRUE(notifications().empty());  // only a fires, and it is muted
  run("b", true);
  restart();  // the silence is in the store
  advance(5min);
  auto sent = notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["reason"], "first");
  ASSERT_EQ(sent[0]["alerts"].size(), 1u);
  EXPECT_EQ(sent[0]["alerts"][0]["labels"]["flowId"], "b");

  ASSERT_TRUE(engine->silences().expire(muting_a.id));
  EXPECT_EQ(engine->silences().find(muting_a.id)->state(clock->now()), SilenceState::Expired);
  advance(5min);
  sent = notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["reason"], "new");  // a was never notified
  EXPECT_EQ(sent[1]["alerts"].size(), 2u);
  EXPECT_NE(engine->metrics().prometheus_text().find("kestra_silences{state=\"expired\"} 1\n"), std::string::npos);

  // The history, across the restart: each decision in order, with its reason.
  engine->wait_recorded();
  auto notified = engine->executions({.ns = "company.monitoring"});
  std::vector<std::tuple<Duration, std::string, std::string, std::string, std::string>> history;
  for (const auto& e : engine->alert_history({}).results) {
    EXPECT_EQ(e.alert(), "company.monitoring.alerts");
    EXPECT_EQ(e.trigger_id, "failures");
    EXPECT_EQ(e.group_key, "company.monitoring.alerts/failures");
    EXPECT_EQ(e.labels, Value({{"namespace", "company.team"}, {"flowId", e.flow_id}}));
    history.emplace_back(e.date - testing::test_epoch(), e.status, e.flow_id, e.reason, e.notification_id);
  }
  EXPECT_EQ(history, (decltype(history){{30s, "suppressed", "a", muting_a.id, ""},
                                        {5min + 30s, "fired", "b", "first", notified[0]->id},
                                        {10min + 30s, "grouped", "a", "new", notified[1]->id}}));
  auto page = engine->alert_history({.status = "fired", .size = 10});
  EXPECT_EQ(page.total, 1u);
  EXPECT_EQ(page.results.at(0).execution_id, engine->executions({.flow_id = "b"}).at(0)->id);

  advance(24h * 5);  // kestra.alerts.silence-retention
  EXPECT_TRUE(engine->silences().list().empty());
  restart();
  EXPECT_TRUE(engine->silences().list().empty());
}

TEST_F(AlertTriggerTest, ASavedSilenceThatCannotBeReadIsSkippedAndTheOthersLoad) {
  open();
  auto kept = engine->silences().add(
      Value::parse(R"({"matchers": [{"name": "flowId", "value": "a"}], "endsAt": "2023-11-15T00:00:00Z"})"));
  engine->stop();
  engine.reset();
  {
    store::SqliteRepository file(folder / "runwatch.db");
    file.put_state(store::kSilenceState, "broken", Value::parse(R"({"matchers": 3})"));
  }
  open();
  auto listed = engine->silences().list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, kept.id);
}

TEST_F(AlertTriggerTest, ASilenceMutesAFlowTriggersMonitoringExecutionsOfTheExecutionsItMatches) {
  open();
  engine->add_flow(job("nightly"), "nightly.yaml");
  engine->add_flow(job("hourly"), "hourly.yaml");
  engine->add_flow(R"(
id: on_failure
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.flowId }}"
triggers:
  - id: failed
    type: io.kestra.plugin.core.trigger.Flow
    states: [FAILED]
)",
                   "on_failure.yaml");
  auto silence =
      engine->silences().add(Value::parse(R"({"matchers": [{"name": "flowId", "value": "night.*", "isRegex": true},
      {"name": "state", "value": "FAILED"}], "startsAt": "2023-11-14T22:15:00Z", "endsAt": "2023-11-14T23:00:00Z"})"));
  run("nightly", true);  // the silence is pending
  advance(2min);
  run("nightly", true);
  run("hourly", true);
  auto started = engine->executions({.ns = "company.monitoring"});
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0]->trigger["flowId"], "nightly");
  EXPECT_EQ(started[1]->trigger["flowId"], "hourly");
  EXPECT_NE(engine->metrics().prometheus_text().find(
                "kestra_alert_notifications_total{outcome=\"suppressed\",reason=\"flow_trigger\"} 1\n"),
            std::string::npos);
  engine->wait_recorded();
  auto muted = engine->executions({.flow_id = "nightly"}).at(1);
  EXPECT_EQ(engine->alert_history({}).results,
            std::vector<AlertEvent>{(AlertEvent{.date = muted->state.end_date().value(),
                                                .status = "suppressed",
                                                .alert_ns = "company.monitoring",
                                                .alert_flow_id = "on_failure",
                                                .trigger_id = "failed",
                                                .ns = "company.team",
                                                .flow_id = "nightly",
                                                .execution_id = muted->id,
                                                .reason = silence.id})});
}

}  // namespace
}  // namespace runwatch
