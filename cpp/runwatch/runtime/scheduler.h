#pragma once
// The scheduler: one thread, named "scheduler", that fires the Schedule triggers of the
// loaded flows on the engine's clock. It only asks for executions (through the engine's
// callback) and never touches execution state.
//
// Firing rules:
// - Each date fires at most once, in order; a trigger's first date is the first one
//   after the time it was loaded (or enabled), as in Kestra.
// - When the clock goes past several dates of a trigger at once (a manual clock jump, a
//   suspended host, a busy engine), `recoverMissedSchedules` decides: ALL (default)
//   fires each of them in order, LAST only the latest, NONE none of them (the next
//   date is then the first one after now). A single late date always fires.
// - `lateMaximumDelay`: a date evaluated later than that after it is skipped.
// - `conditions`: Kestra's schedule conditions (DayWeek, DayWeekInMonth, Weekend,
//   TimeBetween, DateTimeBetween, Expression, Not, Or) must all hold for a date to fire;
//   other condition types are ignored, as Kestra ignores them. trigger.next and
//   trigger.previous are then the nearest dates that meet them (searched up to
//   kMaxConditionSearch dates away; absent beyond).
// - Disabled triggers and disabled flows are not scheduled.
// - A replaced flow keeps each trigger's place (last and next dates) when its cron,
//   withSeconds and timezone are unchanged; a changed schedule starts afresh from the
//   time of the change. A removed flow's triggers are dropped.
// - With a ScheduleState, a trigger loaded for the first time goes on from the last
//   date recorded by an earlier run (missed dates then follow recoverMissedSchedules).
//   The date is recorded before its execution is asked for: after a crash it never
//   fires twice.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/scheduler_metrics.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/flow.h"
#include "runwatch/runtime/flow_registry.h"
#include "runwatch/runtime/schedule_state.h"
#include "runwatch/tasks/secrets.h"
#include "runwatch/trigger/schedule.h"

namespace runwatch {

// One Schedule trigger as /scheduler shows it.
struct ScheduledTrigger {
  std::string ns;
  std::string flow_id;
  std::string trigger_id;
  std::optional<TimePoint> next_date;  // none: invalid, or no date within a hundred years
  std::optional<TimePoint> last_date;  // the last date that started an execution
  // Why the trigger cannot be scheduled (a bad cron or time zone), or why its latest
  // date started no execution; empty when all is well.
  std::string error;
};

// What one firing asks the engine to start.
struct ScheduledExecution {
  std::string ns;
  std::string flow_id;
  Value inputs;   // the trigger's inputs, rendered
  Value trigger;  // trigger.date, trigger.next, trigger.previous
  std::vector<Label> labels;  // the trigger's own
};

// The scheduler's work, per (namespace, flow, trigger), for the metrics: plain atomics
// that outlive the trigger, as counters do.
struct ScheduleCounters {
  std::atomic<uint64_t> evaluations{0};                  // scheduler.evaluate.count
  std::atomic<uint64_t> executions{0};                   // scheduler.trigger.count
  std::atomic<int64_t> evaluate_nanoseconds{0};          // scheduler.evaluate.duration (sum, real time)
  std::atomic<int64_t> trigger_delay_nanoseconds{0};     // scheduler.trigger.delay.duration (sum over executions)
};

struct SchedulerStats {
  struct Trigger {
    std::string ns;
    std::string flow_id;
    std::string trigger_id;
    uint64_t evaluations = 0;
    uint64_t executions = 0;
    Duration evaluate_duration{};  // summed over evaluations
    Duration trigger_delay{};      // clock time from each date to its execution, summed
  };
  uint64_t loops = 0;  // scheduler.loop.count: passes that found dates due
  std::vector<Trigger> triggers;
};

class Scheduler {
 public:
  // Throws to refuse (unknown flow, bad inputs): the firing is then recorded as an error.
  using Submit = std::function<void(const ScheduledExecution&)>;

  // Starts the thread.
  Scheduler(const Clock& clock, const SecretStore& secrets, Submit submit, const metrics::Catalog* metrics = nullptr,
            ScheduleState* state = nullptr);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Takes in the schedules of the changed flows (added, replaced, removed); the others'
  // are not touched.
  void flows_changed(const std::vector<FlowChange>& changes);
  // Sorted by namespace, flow and trigger.
  std::vector<ScheduledTrigger> schedules() const;
  SchedulerStats stats() const;

  // Idle when no date is due and none is being fired: a date still ahead waits for the
  // clock, for a system clock too (or waiting for idle would never end).
  bool idle() const;
  bool wait_idle(std::optional<std::chrono::steady_clock::duration> timeout) const;
  // Ends the thread after the firing in progress. Safe to call twice.
  void stop();
  bool running() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // namespace, flow, trigger
  struct Entry {
    std::shared_ptr<const Flow> flow;
    const TriggerDef* trigger;                               // owned by flow
    std::shared_ptr<const ScheduleDefinition> definition;    // null when invalid
    std::shared_ptr<const ConditionSet> conditions;          // null when none apply
    std::optional<TimePoint> next;
    std::optional<TimePoint> last;
    std::string error;
    std::shared_ptr<ScheduleCounters> counters;
  };
  struct Firing {
    Key key;
    std::shared_ptr<const Flow> flow;
    const TriggerDef* trigger;
    std::shared_ptr<const ScheduleDefinition> definition;
    std::shared_ptr<const ConditionSet> conditions;
    TimePoint date;
    std::shared_ptr<ScheduleCounters> counters;
  };
  struct Outcome {
    bool fired = false;
    std::string problem;  // why the date started no execution; empty when it needs no saying
  };

  void loop();
  bool idle_locked() const;
  std::optional<TimePoint> earliest_locked() const;
  std::vector<Firing> take_due_locked(TimePoint now);
  std::vector<TimePoint> due_dates(Entry& entry, TimePoint now) const;
  Entry entry_for(const std::shared_ptr<const Flow>& flow, const TriggerDef& trigger, const Key& key,
                  std::map<Key, Entry>& previous, TimePoint now);
  // Evaluates one date and asks for its execution.
  Outcome fire(const Firing& firing);
  Outcome evaluate(const Firing& firing);
  Value trigger_variables(const Firing& firing) const;
  bool conditions_hold(const Firing& firing, TimePoint date, const Value& trigger_variables, std::string* why) const;
  std::optional<TimePoint> nearest_date_meeting_conditions(const Firing& firing, TimePoint from, bool forward) const;
  Value render_inputs(const Firing& firing, const Value& trigger_variables) const;
  void record(const Firing& firing, const Outcome& outcome);

  const Clock& clock_;
  const SecretStore& secrets_;
  const Submit submit_;
  ScheduleState* const state_;  // may be null

  std::shared_ptr<spdlog::logger> log_ = logger(kSchedulerLogger);
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;
  std::map<Key, Entry> entries_;
  std::map<Key, std::shared_ptr<ScheduleCounters>> counters_;
  bool busy_ = false;
  bool stopping_ = false;
  std::atomic<uint64_t> loops_{0};
  metrics::SchedulerMetrics metrics_;  // scheduler thread only

  Clock::Subscription advanced_;
  std::thread thread_;
};

}  // namespace runwatch
