#pragma once
// The alerting triggers of the loaded flows (Alert, Absence, Stuck: condition/alert_trigger.h):
// one thread, named "alerts", that counts the executions each trigger watches in its book
// (trigger/alert_book.h), fires what falls due (a missed deadline, a stuck execution) and
// asks for a notification's execution when the book says so, on the engine's clock.
// FlowTriggers decides which executions a trigger watches.
//
// - Each change of a book is saved (AlertState) before anything depends on it; a book
//   saved by an earlier run is taken up where it was, unless the trigger's rule changed.
// - An alert an active silence matches is left out of the notifications (Silences);
//   nothing is sent when none is left.
// - Each decision (fired, grouped, repeated, resolved, suppressed; a notification whose
//   execution could not start, failed) is an alert history entry, saved with the change.
// - A notification's execution id derives from the trigger and the notification's number,
//   and the book is saved after the execution is asked for: after a crash between the
//   two the notification is decided again and the engine finds its execution already
//   there (exactly one notification).
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runwatch/metrics/catalog.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"
#include "runwatch/runtime/alert_state.h"
#include "runwatch/runtime/flow_registry.h"
#include "runwatch/runtime/silences.h"
#include "runwatch/trigger/alert_book.h"

namespace runwatch {

// A notification to send: the Alert trigger's flow to start.
struct AlertDelivery {
  std::shared_ptr<const Flow> flow;
  const TriggerDef* trigger;  // owned by flow
  Value variables;            // trigger.*: status, reason, groupKey, alerts
  std::string execution_id;   // the same when the notification is decided again after a crash
};

struct AlertCounts {
  size_t pending = 0;
  size_t firing = 0;
  size_t resolved = 0;  // until notified
};

// One trigger's alerts, for the API and Python.
struct AlertTriggerAlerts {
  AlertTriggerKey trigger;
  AlertKind kind = AlertKind::Streak;
  std::vector<Alert> alerts;  // by group key
};

class AlertMonitor {
 public:
  // Starts the notification's execution; throws to say it could not (logged).
  using Deliver = std::function<void(const AlertDelivery&)>;
  // The latest snapshot of an execution (null: unknown), asked when a Stuck alert falls due.
  using Lookup = std::function<std::shared_ptr<const Execution>(const std::string& id)>;

  // Starts the thread. `state` may be null: nothing is saved; `silences` null: nothing is
  // muted; `metrics` null: no notification is counted.
  AlertMonitor(const Clock& clock, Deliver deliver, Lookup lookup, AlertState* state = nullptr,
               const Silences* silences = nullptr, const metrics::Catalog* metrics = nullptr);
  ~AlertMonitor();
  AlertMonitor(const AlertMonitor&) = delete;
  AlertMonitor& operator=(const AlertMonitor&) = delete;

  // Whether a flow is loaded and enabled (an Absence trigger forgets the groups of the
  // others).
  using Loaded = std::function<bool(const std::string& ns, const std::string& flow_id)>;

  // Takes in the changed flows' alerting triggers: one whose rule is unchanged keeps its
  // book, a new one takes up what was saved, a removed one's book is erased; the other
  // flows' books are not touched, but for the Absence books, which forget the groups of
  // flows no longer `loaded` and expect the flows they name that are. Returns the Stuck triggers that
  // start with an empty book: the caller hands them the executions already running
  // (observe).
  std::vector<const TriggerDef*> change_flows(const std::vector<FlowChange>& changes, const Loaded& loaded);
  // An execution whose state changed, watched by this trigger (of this flow): queued, so
  // that the executor thread that calls it never waits.
  void observe(const std::shared_ptr<const Flow>& flow, const TriggerDef& trigger, const Execution& execution);

  std::vector<AlertTriggerAlerts> alerts() const;
  // How many alerts are in each state, over every trigger: counted when asked (at each
  // exposition), never per execution.
  AlertCounts counts() const;
  // Idle when nothing is queued, nothing being done, and no book is due.
  bool idle() const;
  bool wait_idle(std::chrono::steady_clock::duration timeout) const;
  // Ends the thread after what it is doing. Safe to call twice.
  void stop();

 private:
  struct Book {
    std::shared_ptr<const Flow> flow;
    const TriggerDef* trigger;
    AlertRule rule;
    AlertBook book;
    std::string incarnation;  // saved with the log (see alert_monitor.cc)
    bool log_saved = false;   // the log (with the rule) is in the store: its groups can be read back
    std::vector<AlertEvent> events;  // decided, saved with the next change
    std::optional<TimePoint> scheduled;  // its entry in wakes_
  };
  struct Observation {
    AlertTriggerKey trigger;
    WatchedExecution execution;
  };

  void loop();
  bool idle_locked() const;
  std::optional<TimePoint> earliest_locked() const;
  // Puts the book in wakes_ at its next wake, or takes it out; call after any change to it.
  void schedule_locked(const AlertTriggerKey& key, Book& book);
  void unschedule_locked(const AlertTriggerKey& key, Book& book);
  // Takes in a book for a loaded trigger.
  void enter_locked(const AlertTriggerKey& key, Book book);
  void count_locked(const Observation& observation);
  // Fires what fell due in one book and flushes it if due; the delivery to make, if any.
  std::optional<AlertDelivery> wake_locked(const AlertTriggerKey& key, Book& book, TimePoint now);
  // A decision of the book as a history entry; `notification` is the execution asked for.
  AlertEvent decision_event(const AlertTriggerKey& key, const AlertDecision& decision, TimePoint now,
                            const std::optional<AlertNotification>& notification,
                            const std::string& notification_id) const;
  void save_locked(const AlertTriggerKey& key, Book& book, bool log);
  Book restore(const AlertTriggerKey& key, std::shared_ptr<const Flow> flow, const TriggerDef& trigger,
               AlertRule rule) const;

  const Clock& clock_;
  const Deliver deliver_;
  const Lookup lookup_;
  AlertState* const state_;
  const Silences* const silences_;
  const metrics::Catalog* const metrics_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;
  std::map<AlertTriggerKey, Book> books_;
  // The books by their next wake, and the Absence books: what the thread and a flow change
  // visit, so that neither walks every book.
  std::set<std::pair<TimePoint, AlertTriggerKey>> wakes_;
  std::set<AlertTriggerKey> absences_;
  std::vector<Observation> inbox_;
  bool busy_ = false;
  bool stopping_ = false;
  Clock::Subscription advanced_;
  std::thread thread_;
};

// What silences match an alert of this trigger against: its group's labels, its last
// state, and `alert`, the trigger's flow (namespace.flowId).
SilenceLabels alert_silence_labels(const AlertTriggerKey& trigger, const Alert& alert);

// An alert as the API and Python list it: Alert::to_json and `alert`, its trigger
// (namespace, flowId, triggerId).
Value alert_json(const AlertTriggerAlerts& trigger, const Alert& alert);

// What an alerting trigger's execution sees as `trigger`: status, reason, groupKey and
// alerts; Absence adds its first alert's lastExecutionId, lastDate and deadline.
Value alert_trigger_variables(const AlertTriggerKey& trigger, AlertKind kind, const AlertNotification& notification);

}  // namespace runwatch
