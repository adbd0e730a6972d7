#pragma once
// The state of one Alert trigger (io.runwatch.plugin.trigger.Alert), as Alertmanager
// keeps an aggregation group: one alert per group of executions (by `groupBy`), each
// firing once `consecutive` executions in a row ended in a `firing` state and resolved by
// the next one in a `resolving` state; and when to notify, with Alertmanager's timing
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

struct AlertRule {
  std::vector<std::string> group_by = {"namespace", "flowId"};  // and "labels.<key>"
  std::set<State> firing = {State::FAILED};
  std::set<State> resolving = {State::SUCCESS};
  int consecutive = 1;
  bool send_resolved = true;
  Duration group_wait = std::chrono::seconds(30);
  Duration group_interval = std::chrono::minutes(5);
  Duration repeat_interval = std::chrono::hours(4);

  bool operator==(const AlertRule&) const = default;
  Value to_json() const;
};

// An execution that ended, as the book sees it.
struct EndedExecution {
  std::string id;
  std::string ns;
  std::string flow_id;
  State state = State::SUCCESS;
  TimePoint date;  // when it ended
  std::vector<Label> labels;
};

// One group's alert, as `trigger.alerts` lists it: pending (a streak below `consecutive`),
// firing, or resolved (until notified).
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

  bool active() const { return firing || ends_at.has_value(); }  // in notifications
  Value to_json() const;
};

enum class NotifyReason { First, New, Repeat, Resolved };
std::string_view to_string(NotifyReason reason);

struct AlertNotification {
  bool firing = false;  // some alert still fires (status firing), else resolved
  NotifyReason reason = NotifyReason::First;
  Value alerts = Value::array();  // Alert::to_json of each, firing ones first, by group key
};

class AlertBook {
 public:
  explicit AlertBook(AlertRule rule) : rule_(std::move(rule)) {}

  // Counts an ended execution in its group: extends, breaks or ignores the streak; an
  // alert that starts firing opens the aggregation (first flush `group_wait` after it).
  void observe(const EndedExecution& execution);
  // When flush must run next; nullopt when no alert is active.
  std::optional<TimePoint> next_flush() const { return next_flush_; }
  // Alertmanager's flush at `now` (>= next_flush()): the notification to send, if any
  // (dedup: nothing when nothing changed and repeatInterval has not passed); resolved
  // alerts are dropped once notified, and the next flush is `group_interval` later while
  // some alert is active.
  // `muted` (a silence) leaves alerts out of the notification and out of what the next
  // flush compares with, as Alertmanager mutes before its dedup stage.
  std::optional<AlertNotification> flush(TimePoint now, const std::function<bool(const Alert&)>& muted = nullptr);

  // The group key of an execution under this rule: its groupBy values joined.
  std::string group_key(const EndedExecution& execution) const;
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
  Value group_labels(const EndedExecution& execution) const;

  AlertRule rule_;
  std::map<std::string, Alert> alerts_;  // by group key: pending, firing or resolved
  std::optional<TimePoint> next_flush_;
  // The last notification sent (Alertmanager's notification log entry).
  bool notified_ = false;
  std::set<std::string> notified_firing_, notified_resolved_;
  TimePoint notified_at_{};
  uint64_t notifications_ = 0;
  std::set<std::string> changed_;
};

}  // namespace runwatch
