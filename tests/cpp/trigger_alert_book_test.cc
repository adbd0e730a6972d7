// The alerting triggers' book: streaks per group, deadlines (Absence), stuck executions,
// and Alertmanager's grouping, dedup, repeat and resolution timing, on explicit times.
#include <gtest/gtest.h>

#include "runwatch/model/json_text.h"
#include "runwatch/model/time.h"
#include "runwatch/trigger/alert_book.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;
using S = State;

const TimePoint t0 = TimePoint(std::chrono::seconds(1'700'000'000));

WatchedExecution ended(std::string id, std::string flow, State state, TimePoint date, std::vector<Label> labels = {}) {
  return {std::move(id), "company.team", std::move(flow), state, date, std::move(labels)};
}

// Flushes at every due time up to `until`, collecting what is sent with its time.
struct Sent {
  TimePoint at;
  AlertNotification notification;
};
std::vector<Sent> run_until(AlertBook& book, TimePoint until) {
  std::vector<Sent> sent;
  while (book.next_flush() && *book.next_flush() <= until) {
    TimePoint at = *book.next_flush();
    if (auto n = book.flush(at)) sent.push_back({at, std::move(*n)});
  }
  return sent;
}

TEST(AlertBook, AStreakOfThreeFiresOnceAtItsThirdFailureAndResolvesAtTheNextSuccess) {
  AlertBook book(AlertRule{.consecutive = 3});
  const State runs[] = {S::FAILED, S::FAILED, S::SUCCESS, S::FAILED, S::FAILED, S::FAILED};
  for (int i = 0; i < 6; ++i) book.observe(ended("e" + std::to_string(i + 1), "nightly", runs[i], t0 + i * 1min));
  ASSERT_EQ(book.next_flush(), t0 + 5min + 30s);
  auto sent = run_until(book, t0 + 1h + 1min);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 5min + 30s);
  EXPECT_TRUE(sent[0].notification.firing);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::First);
  EXPECT_EQ(sent[0].notification.alerts, Value::parse(R"([{
    "labels": {"namespace": "company.team", "flowId": "nightly"}, "status": "firing", "streak": 3, "count": 3,
    "startsAt": "2023-11-14T22:18:20Z", "firstExecutionId": "e4", "lastExecutionId": "e6",
    "lastDate": "2023-11-14T22:18:20Z", "lastState": "FAILED"}])"));

  book.observe(ended("e7", "nightly", S::SUCCESS, t0 + 1h + 1min));
  sent = run_until(book, t0 + 3h);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 1h + 5min + 30s);  // the group interval tick after it
  EXPECT_FALSE(sent[0].notification.firing);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::Resolved);
  EXPECT_EQ(sent[0].notification.alerts[0]["status"], "resolved");
  EXPECT_EQ(sent[0].notification.alerts[0]["lastExecutionId"], "e7");
  EXPECT_EQ(sent[0].notification.alerts[0]["lastState"], "SUCCESS");
  EXPECT_EQ(book.next_flush(), std::nullopt);
  EXPECT_TRUE(book.alerts().empty());
}

// (group's flowId, status) of each decision.
std::vector<std::pair<std::string, std::string>> decided(const std::vector<AlertDecision>& decisions) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : decisions) out.emplace_back(d.alert.labels["flowId"], std::string(d.status));
  return out;
}
using Decided = std::vector<std::pair<std::string, std::string>>;

TEST(AlertBook, EachFlushSaysWhatItDecidedForEachAlertItChanged) {
  AlertBook book(AlertRule{});
  book.observe(ended("a1", "a", S::FAILED, t0));
  std::vector<AlertDecision> decisions;
  ASSERT_TRUE(book.flush(t0 + 30s, nullptr, &decisions));
  EXPECT_EQ(decided(decisions), (Decided{{"a", "fired"}}));
  EXPECT_EQ(decisions[0].group, book.alerts().begin()->first);
  EXPECT_EQ(decisions[0].alert.last_execution_id, "a1");

  book.observe(ended("b1", "b", S::FAILED, t0 + 1min));
  decisions.clear();
  ASSERT_TRUE(book.flush(t0 + 5min + 30s, nullptr, &decisions));  // b joins a, already notified
  EXPECT_EQ(decided(decisions), (Decided{{"b", "grouped"}}));

  decisions.clear();
  EXPECT_FALSE(book.flush(t0 + 10min + 30s, nullptr, &decisions));  // nothing changed
  EXPECT_EQ(decided(decisions), Decided{});

  decisions.clear();
  ASSERT_TRUE(book.flush(t0 + 4h + 10min, nullptr, &decisions));
  EXPECT_EQ(decided(decisions), (Decided{{"a", "repeated"}, {"b", "repeated"}}));

  book.observe(ended("a2", "a", S::SUCCESS, t0 + 4h + 11min));
  decisions.clear();
  ASSERT_TRUE(book.flush(t0 + 4h + 15min, nullptr, &decisions));
  EXPECT_EQ(decided(decisions), (Decided{{"a", "resolved"}}));
  EXPECT_EQ(decisions[0].alert.last_execution_id, "a2");  // as resolved, though dropped from the book since
  EXPECT_EQ(book.alerts().size(), 1u);
}

TEST(AlertBook, ASuppressionIsDecidedOnceEachTimeASilenceBeginsToMuteAnAlert) {
  AlertBook book(AlertRule{});
  book.observe(ended("a1", "a", S::FAILED, t0));
  bool silenced = true;
  auto muted = [&](const Alert&) { return silenced; };
  std::vector<AlertDecision> decisions;
  EXPECT_FALSE(book.flush(t0 + 30s, muted, &decisions));
  EXPECT_FALSE(book.flush(t0 + 5min + 30s, muted, &decisions));
  EXPECT_EQ(decided(decisions), (Decided{{"a", "suppressed"}}));
  EXPECT_TRUE(book.alerts().begin()->second.muted);
  // Saved and restored, the muting is remembered: no second suppression.
  AlertBook restored = AlertBook::from_json(AlertRule{}, book.to_json());
  decisions.clear();
  EXPECT_FALSE(restored.flush(t0 + 10min + 30s, muted, &decisions));
  EXPECT_EQ(decided(decisions), Decided{});

  silenced = false;  // the silence expired: the alert fires, and a new silence is decided again
  ASSERT_TRUE(restored.flush(t0 + 15min + 30s, muted, &decisions));
  silenced = true;
  restored.flush(t0 + 20min + 30s, muted, &decisions);
  EXPECT_EQ(decided(decisions), (Decided{{"a", "fired"}, {"a", "suppressed"}}));
}

TEST(AlertBook, WithoutSendResolvedAResolutionIsStillDecidedForAnAlertThatWasNotified) {
  AlertBook book(AlertRule{.send_resolved = false});
  book.observe(ended("a1", "a", S::FAILED, t0));
  book.observe(ended("b1", "b", S::FAILED, t0));
  std::vector<AlertDecision> decisions;
  ASSERT_TRUE(book.flush(t0 + 30s, nullptr, &decisions));
  book.observe(ended("a2", "a", S::SUCCESS, t0 + 1min));
  decisions.clear();
  EXPECT_FALSE(book.flush(t0 + 5min + 30s, nullptr, &decisions));  // b still fires: nothing sent
  EXPECT_EQ(decided(decisions), (Decided{{"a", "resolved"}}));
}

TEST(AlertBook, StatesInNeitherListNeitherExtendNorBreakAStreak) {
  AlertBook book(AlertRule{.consecutive = 2});
  book.observe(ended("e1", "f", S::FAILED, t0));
  book.observe(ended("e2", "f", S::WARNING, t0 + 1s));
  book.observe(ended("e3", "f", S::KILLED, t0 + 2s));
  EXPECT_EQ(book.next_flush(), std::nullopt);
  book.observe(ended("e4", "f", S::FAILED, t0 + 3s));
  EXPECT_EQ(book.next_flush(), t0 + 33s);
  EXPECT_EQ(book.alerts().begin()->second.streak, 2);
}

TEST(AlertBook, AStormIsOneNotificationPerGroupIntervalNewGroupsJoinAndNothingRepeatsBeforeItsInterval) {
  AlertBook book(AlertRule{});
  for (int i = 0; i < 200; ++i)  // 200 failures of 20 flows within 10 s
    book.observe(ended("a" + std::to_string(i), "flow" + std::to_string(i % 20), S::FAILED, t0 + i * 50ms));
  auto sent = run_until(book, t0 + 1min);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 30s);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::First);
  ASSERT_EQ(sent[0].notification.alerts.size(), 20u);
  EXPECT_EQ(sent[0].notification.alerts[0]["count"], 10);

  for (int i = 0; i < 5; ++i)
    book.observe(ended("b" + std::to_string(i), "late" + std::to_string(i), S::FAILED, t0 + 90s));
  sent = run_until(book, t0 + 1h);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 5min + 30s);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::New);
  EXPECT_EQ(sent[0].notification.alerts.size(), 25u);

  // No change: the next notification repeats it once repeatInterval has passed, on a tick.
  sent = run_until(book, t0 + 5min + 30s + 4h + 5min);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 5min + 30s + 4h + 5min);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::Repeat);
  EXPECT_EQ(sent[0].notification.alerts.size(), 25u);

  EXPECT_TRUE(run_until(book, t0 + 5h).empty());
  for (int i = 0; i < 20; ++i)
    book.observe(ended("c" + std::to_string(i), "flow" + std::to_string(i), S::SUCCESS, t0 + 5h));
  for (int i = 0; i < 5; ++i)
    book.observe(ended("d" + std::to_string(i), "late" + std::to_string(i), S::SUCCESS, t0 + 5h));
  sent = run_until(book, t0 + 10h);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 5h + 30s);
  EXPECT_FALSE(sent[0].notification.firing);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::Resolved);
  EXPECT_EQ(sent[0].notification.alerts.size(), 25u);
  EXPECT_EQ(book.next_flush(), std::nullopt);
}

TEST(AlertBook, APartialResolutionIsSentWhileOthersStillFire) {
  AlertBook book(AlertRule{});
  book.observe(ended("a", "one", S::FAILED, t0));
  book.observe(ended("b", "two", S::FAILED, t0));
  ASSERT_EQ(run_until(book, t0 + 1min).size(), 1u);
  book.observe(ended("c", "one", S::SUCCESS, t0 + 2min));
  auto sent = run_until(book, t0 + 10min);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].notification.firing);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::Resolved);
  ASSERT_EQ(sent[0].notification.alerts.size(), 2u);
  EXPECT_EQ(sent[0].notification.alerts[0]["labels"]["flowId"], "two");  // firing ones first
  EXPECT_EQ(sent[0].notification.alerts[1]["status"], "resolved");
}

TEST(AlertBook, WithoutSendResolvedAResolutionSendsNothingAndTheNextFailureIsAFirstNotificationAgain) {
  AlertBook book(AlertRule{.send_resolved = false});
  book.observe(ended("a", "f", S::FAILED, t0));
  ASSERT_EQ(run_until(book, t0 + 1min).size(), 1u);
  book.observe(ended("b", "f", S::SUCCESS, t0 + 2min));
  EXPECT_TRUE(run_until(book, t0 + 1h).empty());
  EXPECT_EQ(book.next_flush(), std::nullopt);
  book.observe(ended("c", "f", S::FAILED, t0 + 2h));
  auto sent = run_until(book, t0 + 3h);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at, t0 + 2h + 30s);
  EXPECT_EQ(sent[0].notification.reason, NotifyReason::First);
}

// Alertmanager's rule: once all is resolved and said so, what fires and resolves again
// before the next flush was never known to the receiver, and is not sent.
TEST(AlertBook, AfterAllResolvedAFailureAndItsRecoveryBeforeTheNextFlushAreNotSent) {
  AlertBook book(AlertRule{});
  book.observe(ended("a", "one", S::FAILED, t0));
  auto sent = run_until(book, t0 + 1min);
  book.observe(ended("b", "one", S::SUCCESS, t0 + 1min));
  auto resolved = run_until(book, t0 + 6min);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].notification.reason, NotifyReason::Resolved);
  book.observe(ended("c", "two", S::FAILED, t0 + 7min));
  book.observe(ended("d", "two", S::SUCCESS, t0 + 7min + 10s));
  EXPECT_EQ(book.next_flush(), t0 + 7min + 30s);
  EXPECT_TRUE(run_until(book, t0 + 1h).empty());
  EXPECT_TRUE(book.alerts().empty());
}

TEST(AlertBook, GroupsByALabel) {
  AlertBook book(AlertRule{.group_by = {"labels.team"}});
  book.observe(ended("a", "one", S::FAILED, t0, {{"team", "data"}}));
  book.observe(ended("b", "two", S::FAILED, t0, {{"team", "data"}}));
  book.observe(ended("c", "three", S::FAILED, t0, {{"team", "web"}}));
  auto sent = run_until(book, t0 + 1min);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].notification.alerts.size(), 2u);
  EXPECT_EQ(sent[0].notification.alerts[0]["labels"], Value::parse(R"({"labels.team": "data"})"));
  EXPECT_EQ(sent[0].notification.alerts[0]["count"], 2);
  EXPECT_EQ(sent[0].notification.alerts[1]["labels"], Value::parse(R"({"labels.team": "web"})"));
}

TEST(AlertBook, SavedAndRestoredItGoesOnWhereItWas) {
  AlertRule rule{.consecutive = 2};
  AlertBook book(rule);
  book.observe(ended("a", "f", S::FAILED, t0));
  book.observe(ended("b", "f", S::FAILED, t0 + 1s));
  book.observe(ended("c", "g", S::FAILED, t0 + 2s));  // pending: one of two
  AlertBook restored = AlertBook::from_json(rule, Value::parse(dump_json(book.to_json())));
  EXPECT_EQ(restored.to_json(), book.to_json());
  EXPECT_EQ(restored.next_flush(), t0 + 31s);
  auto original = run_until(book, t0 + 1min);
  auto again = run_until(restored, t0 + 1min);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].notification.alerts, original[0].notification.alerts);
  restored.observe(ended("d", "g", S::FAILED, t0 + 2min));  // the pending streak survived
  EXPECT_EQ(restored.alerts().at(restored.group_key(ended("", "g", S::FAILED, t0))).streak, 2);
}

TEST(AlertBook, ADocumentItDidNotWriteIsRefused) {
  EXPECT_THROW(AlertBook::from_json(AlertRule{}, Value::parse(R"({"alerts": 3})")), std::invalid_argument);
  EXPECT_THROW(AlertBook::from_json(AlertRule{}, Value::parse("[]")), std::invalid_argument);
  Value bad_date = AlertBook(AlertRule{}).to_json();
  bad_date["notifiedAt"] = "yesterday";
  EXPECT_THROW(AlertBook::from_json(AlertRule{}, bad_date), std::invalid_argument);
}

AlertRule absence(std::string expect_by, std::string zone = "UTC") {
  return {.kind = AlertKind::Absence,
          .firing = {},
          .resolving = {S::SUCCESS, S::WARNING},
          .group_wait = 0s,
          .expect_by = std::move(expect_by),
          .timezone = std::move(zone),
          .expected_flows = {{"company.team", "nightly"}}};
}

TimePoint at(const char* instant) { return *parse_instant(instant); }
auto all_loaded = [](const std::string&, const std::string&) { return true; };

TEST(AlertBook, AnAbsenceDeadlineIsTheCronDateAfterTheOneTheLastRunMetInItsTimeZone) {
  // 06:00 in Paris is 05:00 UTC in November.
  AlertBook book(absence("0 6 * * *", "Europe/Paris"));
  book.expect(at("2023-11-14T22:00:00Z"), all_loaded);  // mid-interval: the whole next day is given
  const std::string key = book.group_key(ended("", "nightly", S::SUCCESS, t0));
  EXPECT_EQ(book.alerts().at(key).due, at("2023-11-16T05:00:00Z"));
  book.observe(ended("r1", "nightly", S::SUCCESS, at("2023-11-15T05:00:00Z")));  // exactly on a date: meets it
  EXPECT_EQ(book.alerts().at(key).due, at("2023-11-16T05:00:00Z"));
  book.observe(ended("r0", "nightly", S::SUCCESS, at("2023-11-15T04:00:00Z")));  // older, told late: ignored
  EXPECT_EQ(book.alerts().at(key).last_execution_id, "r1");
  book.observe(ended("f", "nightly", S::FAILED, at("2023-11-15T09:00:00Z")));  // no run
  book.advance(at("2023-11-16T04:59:59Z"));
  EXPECT_FALSE(book.alerts().at(key).firing);
  EXPECT_EQ(book.next_wake(), at("2023-11-16T05:00:00Z"));
  book.advance(at("2023-11-16T05:00:00Z"));
  EXPECT_TRUE(book.alerts().at(key).firing);
  auto sent = book.flush(at("2023-11-16T05:00:00Z"));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->alerts[0]["deadline"], "2023-11-16T05:00:00Z");
  EXPECT_EQ(sent->alerts[0]["lastExecutionId"], "r1");
  // Saved and restored while firing, then resolved by a late run, it keeps the group.
  AlertBook restored = AlertBook::from_json(book.rule(), Value::parse(dump_json(book.to_json())));
  EXPECT_EQ(restored.to_json(), book.to_json());
  restored.observe(ended("late", "nightly", S::WARNING, at("2023-11-16T07:00:00Z")));
  auto resolved = restored.flush(at("2023-11-16T07:05:00Z"));
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->reason, NotifyReason::Resolved);
  ASSERT_EQ(restored.alerts().size(), 1u);
  EXPECT_EQ(restored.alerts().at(key).due, at("2023-11-18T05:00:00Z"));
  EXPECT_FALSE(restored.alerts().at(key).active());
}

TEST(AlertBook, AnExpectedFlowNoLongerLoadedIsForgotten) {
  AlertBook book(absence("0 6 * * *"));
  book.observe(ended("r", "other", S::SUCCESS, t0));
  book.expect(t0, all_loaded);
  EXPECT_EQ(book.alerts().size(), 2u);
  book.expect(t0, [](const std::string&, const std::string& id) { return id == "other"; });
  ASSERT_EQ(book.alerts().size(), 1u);
  EXPECT_EQ(book.alerts().begin()->second.last_execution_id, "r");
  book.take_changed();
  book.expect(t0 + 1h, all_loaded);  // nightly again: its deadline counts from now
  EXPECT_EQ(book.take_changed().size(), 1u);
}

TEST(AlertBook, AStuckExecutionFiresAfterItsTimeUnlessItEndedOrLeftUnseen) {
  AlertBook book(AlertRule{
      .kind = AlertKind::Stuck, .firing = {S::RUNNING, S::PAUSED}, .resolving = {}, .group_wait = 0s, .after = 1h});
  book.observe(ended("a", "slow", S::RUNNING, t0));
  book.observe(ended("a", "slow", S::PAUSED, t0));  // still in its states: the same alert, the same due date
  book.observe(ended("b", "slow", S::RUNNING, t0 + 10min));
  book.observe(ended("c", "slow", S::RUNNING, t0 + 20min));
  book.observe(ended("c", "slow", S::SUCCESS, t0 + 30min));  // ended in time: forgotten
  EXPECT_EQ(book.alerts().size(), 2u);
  EXPECT_EQ(book.next_wake(), t0 + 1h);
  book.advance(t0 + 2h, [](const std::string& id) -> std::optional<std::string> {
    if (id == "a") return "hold";
    return std::nullopt;  // b ended while the engine did not see it
  });
  ASSERT_EQ(book.alerts().size(), 1u);
  const Alert& alert = book.alerts().begin()->second;
  EXPECT_TRUE(alert.firing);
  EXPECT_EQ(alert.task, "hold");
  EXPECT_EQ(alert.starts_at, t0 + 1h);
  EXPECT_EQ(alert.labels, Value::parse(R"({"namespace": "company.team", "flowId": "slow", "executionId": "a"})"));
  ASSERT_TRUE(book.flush(t0 + 2h));
  book.observe(ended("a", "slow", S::KILLED, t0 + 3h));
  auto resolved = book.flush(t0 + 3h);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->alerts[0]["status"], "resolved");
  EXPECT_EQ(resolved->alerts[0]["lastState"], "KILLED");
  EXPECT_TRUE(book.alerts().empty());
}

}  // namespace
}  // namespace runwatch
