#pragma once
// The state of one alerting trigger, as Alertmanager keeps an aggregation group: one
// alert per group of executions (by `groupBy`), and what fires it:
// - Streak (io.runwatch.plugin.trigger.Alert): `consecutive` executions in a row ended in
//   a `firing` state; the next one in a `resolving` state resolves it;
// - Absence (io.runwatch.plugin.trigger.Absence): no execution of the group ended in a
//   `resolving` state (one that counts as "it ran") by its deadline; the next one does;
// - Stuck (io.runwatch.plugin.trigger.Stuck): one execution (its id is among the labels)
//   stayed in the `firing` states for `after`; its leaving them resolves it;
// and when to notify, with Alertmanager's timing
// (dispatch.go, dedup_stage.go): the first notification `groupWait` after the first alert
// fires, then at most one per `groupInterval`, sent only when alerts were added or
// resolved, or when `repeatInterval` passed since the last one.
//
// Plain data on the engine clock: it never reads time, the caller passes it; it is saved
// and restored whole (to_json / from_json) so that a restart goes on where it was.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runwatch/model/clock.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/state.h"
#include "runwatch/model/value.h"

namespace runwatch {

// How groupBy, silence matchers and alert labels name an execution label: labels.<key>.
inline constexpr std::string_view kLabelPrefix = "labels.";

enum class AlertKind { Streak, Absence, Stuck };

struct AlertRule {
  AlertKind kind = AlertKind::Streak;
  std::vector<std::string> group_by = {"namespace", "flowId"};  // and "labels.<key>"
  std::set<State> firing = {State::FAILED};
  std::set<State> resolving = {State::SUCCESS};
  int consecutive = 1;
  bool send_resolved = true;
  Duration group_wait = std::chrono::seconds(30);
  Duration group_interval = std::chrono::minutes(5);
  Duration repeat_interval = std::chrono::hours(4);
  // Absence: the deadlines, a cron (`expect_by`, in `timezone`) or `max_interval` after
  // the last run; and the flows expected even before their first run (namespace, flowId).
  std::string expect_by;
  std::string timezone = "UTC";
  std::optional<Duration> max_interval;
  std::vector<std::pair<std::string, std::string>> expected_flows;
  // Stuck: how long an execution may stay in the `firing` states.
  Duration after{};

  bool operator==(const AlertRule&) const = default;
  Value to_json() const;
};

// An execution the book watches: one that ended, or (Stuck) one whose state changed.
struct WatchedExecution {
  std::string id;
  std::string ns;
  std::string flow_id;
  State state = State::SUCCESS;
  TimePoint date;  // when it ended; Stuck: when it entered the `firing` states, or ended
  std::vector<Label> labels;
};

// Stuck: asked as a pending alert falls due, whether its execution is still in a firing
// state; its running task then (nullopt: it is not, the alert is dropped).
using StillStuck = std::function<std::optional<std::string>(const std::string& execution_id)>;

// One group's alert, as `trigger.alerts` lists it: pending (a streak below `consecutive`,
// or a due date not reached), firing, or resolved (until notified).
struct Alert {
  Value labels = Value::object();      // namespace, flowId and the groupBy labels
  int streak = 0;                      // firing executions in a row
  int count = 0;                       // firing executions since the streak began
  bool firing = false;                 // the streak reached `consecutive`
  std::optional<TimePoint> starts_at;  // when it began to fire
  std::optional<TimePoint> ends_at;    // when it resolved (then firing is false)
  std::string first_execution_id, last_execution_id;
  TimePoint last_date{};
  State last_state = State::SUCCESS;
  // Absence and Stuck: when a pending alert fires (Absence: its deadline, kept once missed).
  std::optional<TimePoint> due;
  std::string task;  // Stuck: the execution's running task as it fired
  bool muted = false;  // a silence left it out of the last flush (its suppression is recorded)

  bool active() const { return firing || ends_at.has_value(); }  // in notifications
  // The keys of `trigger.alerts`; Absence adds `deadline`, Stuck `task`.
  Value to_json(AlertKind kind = AlertKind::Streak) const;
};

enum class NotifyReason { First, New, Repeat, Resolved };
std::string_view to_string(NotifyReason reason);

// What a flush decided for one group's alert, for the alert history: `fired` (it opened a
// notification), `grouped` (it joined alerts already notified), `repeated`, `resolved`, or
// `suppressed` (a silence left it out; once each time a silence begins to mute it).
struct AlertDecision {
  std::string group;
  std::string_view status;
  Alert alert;  // as it was decided (a resolved one is dropped from the book after)
};

struct AlertNotification {
  bool firing = false;  // some alert still fires (status firing), else resolved
  NotifyReason reason = NotifyReason::First;
  Value alerts = Value::array();  // Alert::to_json of each, firing ones first, by group key
};

class AlertBook {
 public:
  // Throws CronError for an Absence rule whose expect_by or timezone the loader would refuse.
  explicit AlertBook(AlertRule rule);

  const AlertRule& rule() const { return rule_; }
  // Counts an execution in its group. Streak: extends, breaks or ignores the streak.
  // Absence: a run, which resolves the group's alert and sets its next deadline. Stuck:
  // arms the execution's alert `after` its date, or resolves (or drops) it as it ends.
  // An alert that starts firing opens the aggregation (first flush `group_wait` after it).
  void observe(const WatchedExecution& execution);
  // Absence: a group for each expected flow not known yet, its first deadline counted
  // from `now`. Groups whose flow is no longer loaded (`loaded` says false) are dropped.
  void expect(TimePoint now, const std::function<bool(const std::string& ns, const std::string& flow_id)>& loaded);
  // Fires the pending alerts due by `now` (Absence, Stuck).
  void advance(TimePoint now, const StillStuck& still_stuck = nullptr);
  // When flush must run next; nullopt when no alert is active.
  std::optional<TimePoint> next_flush() const { return next_flush_; }
  // When advance or flush must run next.
  std::optional<TimePoint> next_wake() const;
  // Alertmanager's flush at `now` (>= next_flush()): the notification to send, if any
  // (dedup: nothing when nothing changed and repeatInterval has not passed); resolved
  // alerts are dropped once notified, and the next flush is `group_interval` later while
  // some alert is active.
  // `muted` (a silence) leaves alerts out of the notification and out of what the next
  // flush compares with, as Alertmanager mutes before its dedup stage.
  // `decisions`, when given, receives what the flush decided for each alert it changed.
  std::optional<AlertNotification> flush(TimePoint now, const std::function<bool(const Alert&)>& muted = nullptr,
                                         std::vector<AlertDecision>* decisions = nullptr);

  // The group key of an execution under this rule: its groupBy values (Stuck: and its
  // id) as a JSON object.
  std::string group_key(const WatchedExecution& execution) const;
  const std::map<std::string, Alert>& alerts() const { return alerts_; }

  // How many notifications it sent: the number of the next one is this plus one.
  uint64_t notifications() const { return notifications_; }

  // Saved in pieces, so that an execution costs one group's write: the groups whose alert
  // changed since the last call (changed, begun or gone), each saved_alert (null: gone),
  // and saved_log, the rest (the rule, when to flush, the last notification).
  std::set<std::string> take_changed() { return std::exchange(changed_, {}); }
  Value saved_alert(const std::string& key) const;
  Value saved_log() const;
  // The whole book: saved_log with "alerts", each group's saved_alert by key.
  Value to_json() const;
  // Throws std::invalid_argument for a document to_json did not write.
  static AlertBook from_json(AlertRule rule, const Value& saved);

 private:
  Value group_labels(const WatchedExecution& execution) const;
  void observe_streak(const WatchedExecution& execution);
  void observe_run(const WatchedExecution& execution);
  void observe_stuck(const WatchedExecution& execution);
  void fire(const std::string& key, Alert& alert, TimePoint at);
  void resolve(Alert& alert, const WatchedExecution& by);
  void set_due(const std::string& key, Alert& alert, std::optional<TimePoint> due);
  // Absence: the deadline for the first run after `last`.
  TimePoint deadline_after(TimePoint last) const;

  AlertRule rule_;
  std::function<std::optional<TimePoint>(TimePoint)> next_expected_;  // Absence with expect_by
  std::map<std::string, Alert> alerts_;  // by group key: pending, firing or resolved
  std::set<std::pair<TimePoint, std::string>> dues_;  // pending alerts with a due date
  std::optional<TimePoint> next_flush_;
  // The last notification sent (Alertmanager's notification log entry).
  bool notified_ = false;
  std::set<std::string> notified_firing_, notified_resolved_;
  TimePoint notified_at_{};
  uint64_t notifications_ = 0;
  std::set<std::string> changed_;
};

}  // namespace runwatch
