#include "runwatch/runtime/scheduler.h"

#include <algorithm>
#include <array>

#include "runwatch/model/thread_name.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {
namespace {

// Dates fired per trigger and pass when catching up, so a long jump neither holds the
// lock for long nor builds a huge list; the next pass goes on.
constexpr size_t kMaxDatesPerPass = 1000;

// How far trigger.next and trigger.previous look for a date that meets the conditions.
constexpr int kMaxConditionSearch = 10'000;

int64_t nanoseconds_of(std::chrono::nanoseconds d) { return d.count(); }  // from any duration

// The condition types that implement Kestra's ScheduleCondition; a Schedule ignores others.
bool is_schedule_condition(const ConditionDef& condition) {
  static constexpr std::array<std::string_view, 8> kinds = {"DayWeek", "DayWeekInMonth", "Weekend", "TimeBetween",
                                                            "DateTimeBetween", "Expression", "Not", "Or"};
  auto name = std::string_view(condition.type).substr(condition.type.rfind('.') + 1);
  return std::find(kinds.begin(), kinds.end(), name) != kinds.end();
}

std::shared_ptr<const ConditionSet> schedule_conditions(const TriggerDef& trigger) {
  std::vector<ConditionDef> kept;
  for (const auto& condition : trigger.conditions)
    if (is_schedule_condition(condition)) kept.push_back(condition);
  return kept.empty() ? nullptr : std::make_shared<const ConditionSet>(kept);
}

}  // namespace

Scheduler::Scheduler(const Clock& clock, const SecretStore& secrets, Submit submit, const metrics::Catalog* metrics,
                     ScheduleState* state)
    : clock_(clock),
      secrets_(secrets),
      submit_(std::move(submit)),
      state_(state),
      metrics_(metrics),
      advanced_(clock.on_advance([this] {
        std::lock_guard lock(mutex_);
        cv_.notify_all();
      })),
      thread_([this] { loop(); }) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    cv_.notify_all();
    idle_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool Scheduler::running() const {
  std::lock_guard lock(mutex_);
  return !stopping_;
}

void Scheduler::flows_changed(const std::vector<FlowChange>& changes) {
  std::lock_guard lock(mutex_);
  auto now = clock_.now();
  for (const auto& change : changes) {
    const Flow& changed = change.flow();
    std::map<Key, Entry> previous;  // the flow's schedules as they were
    for (auto it = entries_.lower_bound(Key{changed.ns, changed.id, ""});
         it != entries_.end() && std::get<0>(it->first) == changed.ns && std::get<1>(it->first) == changed.id;)
      previous.insert(entries_.extract(it++));
    const auto& flow = change.after;
    if (!flow || flow->disabled) continue;
    for (const auto& trigger : flow->triggers) {
      if (trigger.type != kScheduleTriggerType || trigger.disabled) continue;
      Key key{flow->ns, flow->id, trigger.id};
      entries_.emplace(key, entry_for(flow, trigger, key, previous, now));
    }
  }
  cv_.notify_all();
  idle_cv_.notify_all();
}

Scheduler::Entry Scheduler::entry_for(const std::shared_ptr<const Flow>& flow, const TriggerDef& trigger,
                                      const Key& key, std::map<Key, Entry>& previous, TimePoint now) {
  auto old = previous.find(key);
  if (old != previous.end() && old->second.flow == flow) return std::move(old->second);

  auto& counters = counters_[key];
  if (!counters) counters = std::make_shared<ScheduleCounters>();
  Entry entry{flow, &trigger, nullptr, nullptr, std::nullopt, std::nullopt, "", counters};
  try {
    entry.definition = std::make_shared<const ScheduleDefinition>(ScheduleDefinition::of(trigger));
    entry.conditions = schedule_conditions(trigger);
  } catch (const std::exception& e) {
    entry.error = e.what();
    return entry;
  }
  bool same_dates = old != previous.end() && old->second.definition &&
                    old->second.definition->same_dates(*entry.definition);
  auto recorded = old == previous.end() && state_ ? state_->last_date(std::get<0>(key), std::get<1>(key), std::get<2>(key))
                                                  : std::nullopt;
  if (same_dates) {
    entry.next = old->second.next;
    entry.last = old->second.last;
    entry.error = old->second.error;
  } else if (recorded) {
    entry.last = recorded;
    entry.next = entry.definition->next(*recorded);
  } else {
    entry.next = entry.definition->next(now);
  }
  return entry;
}

std::vector<ScheduledTrigger> Scheduler::schedules() const {
  std::lock_guard lock(mutex_);
  std::vector<ScheduledTrigger> out;
  for (const auto& [key, entry] : entries_)
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), entry.next, entry.last, entry.error});
  return out;
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(mutex_);
  SchedulerStats stats;
  stats.loops = loops_.load();
  for (const auto& [key, c] : counters_)
    stats.triggers.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), c->evaluations.load(),
                              c->executions.load(), std::chrono::nanoseconds(c->evaluate_nanoseconds.load()),
                              std::chrono::nanoseconds(c->trigger_delay_nanoseconds.load())});
  return stats;
}

std::optional<TimePoint> Scheduler::earliest_locked() const {
  std::optional<TimePoint> earliest;
  for (const auto& [key, entry] : entries_)
    if (entry.next && (!earliest || *entry.next < *earliest)) earliest = entry.next;
  return earliest;
}

bool Scheduler::idle_locked() const {
  if (stopping_) return true;
  if (busy_) return false;
  auto earliest = earliest_locked();
  return !earliest || clock_.now() < *earliest;
}

bool Scheduler::idle() const {
  std::lock_guard lock(mutex_);
  return idle_locked();
}

bool Scheduler::wait_idle(std::optional<std::chrono::steady_clock::duration> timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout.value_or(std::chrono::hours(24 * 365));
  std::unique_lock lock(mutex_);
  while (!idle_locked())
    if (idle_cv_.wait_until(lock, deadline) == std::cv_status::timeout) return idle_locked();
  return true;
}

void Scheduler::loop() {
  set_thread_name("scheduler");
  std::unique_lock lock(mutex_);
  for (;;) {
    busy_ = false;
    idle_cv_.notify_all();
    for (;;) {
      if (stopping_) return;
      auto earliest = earliest_locked();
      if (earliest && clock_.now() >= *earliest) break;
      if (earliest) clock_.wait_until(lock, cv_, *earliest);
      else cv_.wait(lock);
    }
    busy_ = true;
    ++loops_;
    metrics_.loop();
    auto firings = take_due_locked(clock_.now());
    lock.unlock();
    for (const auto& firing : firings) record(firing, fire(firing));
    lock.lock();
  }
}

std::vector<Scheduler::Firing> Scheduler::take_due_locked(TimePoint now) {
  std::vector<Firing> firings;
  for (auto& [key, entry] : entries_) {
    if (!entry.next || *entry.next > now) continue;
    for (auto date : due_dates(entry, now))
      firings.push_back({key, entry.flow, entry.trigger, entry.definition, entry.conditions, date, entry.counters});
  }
  std::stable_sort(firings.begin(), firings.end(), [](const Firing& a, const Firing& b) { return a.date < b.date; });
  return firings;
}

// The dates of a trigger to fire now, oldest first; moves its next date past them.
std::vector<TimePoint> Scheduler::due_dates(Entry& entry, TimePoint now) const {
  const auto& schedule = *entry.definition;
  auto first = *entry.next;
  auto second = schedule.next(first);
  if (!second || *second > now) {
    entry.next = second;
    return {first};
  }
  switch (schedule.recover) {
    case RecoverMissedSchedules::None:
      entry.next = schedule.next(now);
      return {};
    case RecoverMissedSchedules::Last: {
      auto latest = schedule.previous(std::chrono::floor<std::chrono::seconds>(now) + std::chrono::seconds(1));
      entry.next = schedule.next(latest.value_or(first));
      return {latest.value_or(first)};
    }
    case RecoverMissedSchedules::All:
      break;
  }
  std::vector<TimePoint> dates{first};
  auto date = second;
  while (date && *date <= now && dates.size() < kMaxDatesPerPass) {
    dates.push_back(*date);
    date = schedule.next(*date);
  }
  entry.next = date;
  return dates;
}

Scheduler::Outcome Scheduler::fire(const Firing& firing) {
  auto started = std::chrono::steady_clock::now();
  ++firing.counters->evaluations;
  metrics_.evaluation_started(firing.flow->ns, firing.flow->id);
  auto outcome = evaluate(firing);
  auto took = std::chrono::steady_clock::now() - started;
  firing.counters->evaluate_nanoseconds += nanoseconds_of(took);
  metrics_.evaluated(firing.flow->ns, firing.flow->id, std::chrono::duration_cast<Duration>(took));
  return outcome;
}

Scheduler::Outcome Scheduler::evaluate(const Firing& firing) {
  const auto& schedule = *firing.definition;
  auto now = clock_.now();
  auto date = format_instant(firing.date);
  if (schedule.late_maximum_delay && now - firing.date > *schedule.late_maximum_delay)
    return {false, "skipped the date " + date + ": more than lateMaximumDelay " +
                       format_duration(*schedule.late_maximum_delay) + " late"};
  try {
    auto variables = trigger_variables(firing);
    std::string why;
    if (!conditions_hold(firing, firing.date, variables, &why))
      return {false, why.empty() ? "" : "skipped the date " + date + ": " + why};
    auto inputs = render_inputs(firing, variables);
    if (state_) state_->set_last_date(std::get<0>(firing.key), std::get<1>(firing.key), std::get<2>(firing.key), firing.date);
    submit_({firing.flow->ns, firing.flow->id, std::move(inputs), variables, firing.trigger->labels});
    ++firing.counters->executions;
    firing.counters->trigger_delay_nanoseconds += nanoseconds_of(now - firing.date);
    metrics_.triggered(firing.flow->ns, firing.flow->id, now - firing.date);
    return {true, ""};
  } catch (const std::exception& e) {
    return {false, "the date " + date + " started no execution: " + e.what()};
  }
}

Value Scheduler::trigger_variables(const Firing& firing) const {
  const auto& schedule = *firing.definition;
  if (!firing.conditions) return schedule.variables(firing.date);
  Value variables = {{"date", format_in_zone(firing.date, *schedule.zone)}};
  if (auto next = nearest_date_meeting_conditions(firing, firing.date, true))
    variables["next"] = format_in_zone(*next, *schedule.zone);
  if (auto previous = nearest_date_meeting_conditions(firing, firing.date, false))
    variables["previous"] = format_in_zone(*previous, *schedule.zone);
  return variables;
}

// Conditions render with what Kestra gives them: the flow and the date's schedule
// variables, as `trigger` and as `schedule`.
bool Scheduler::conditions_hold(const Firing& firing, TimePoint date, const Value& trigger_variables,
                                std::string* why) const {
  if (!firing.conditions) return true;
  const auto& flow = *firing.flow;
  Value variables = {{"flow", {{"id", flow.id}, {"namespace", flow.ns}, {"revision", flow.revision}}},
                     {"trigger", trigger_variables},
                     {"schedule", trigger_variables}};
  auto offset = firing.definition->zone->offset_at(std::chrono::floor<std::chrono::seconds>(date));
  return firing.conditions->matches(ConditionInput{nullptr, date, &variables, offset}, why);
}

std::optional<TimePoint> Scheduler::nearest_date_meeting_conditions(const Firing& firing, TimePoint from,
                                                                    bool forward) const {
  const auto& schedule = *firing.definition;
  auto date = from;
  for (int i = 0; i < kMaxConditionSearch; ++i) {
    auto candidate = forward ? schedule.next(date) : schedule.previous(date);
    if (!candidate) return std::nullopt;
    if (conditions_hold(firing, *candidate, schedule.variables(*candidate), nullptr)) return candidate;
    date = *candidate;
  }
  return std::nullopt;
}

// Kestra renders a schedule's inputs with the flow and the trigger's dates.
Value Scheduler::render_inputs(const Firing& firing, const Value& trigger_variables) const {
  const auto& flow = *firing.flow;
  Value variables = {{"flow", {{"id", flow.id}, {"namespace", flow.ns}, {"revision", flow.revision}}},
                     {"trigger", trigger_variables}};
  TaskIdentity identity;
  identity.ns = flow.ns;
  identity.flow_id = flow.id;
  identity.flow_revision = flow.revision;
  identity.task_id = firing.trigger->id;
  identity.task_type = firing.trigger->type;
  RunContext context(std::move(identity), std::move(variables), clock_, std::make_shared<Cancellation>(), nullptr,
                     &secrets_);
  return context.render(firing.definition->inputs);
}

void Scheduler::record(const Firing& firing, const Outcome& outcome) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(firing.key);
  if (it == entries_.end()) return;  // removed meanwhile
  auto& entry = it->second;
  const auto& key = firing.flow->key();
  if (outcome.fired) {
    log_->debug("Schedule {}.{} fired for {}", key, firing.trigger->id, format_instant(firing.date));
    entry.error.clear();
    if (!entry.last || *entry.last < firing.date) entry.last = firing.date;
  } else if (!outcome.problem.empty()) {
    log_->warn("Schedule {}.{}: {}", key, firing.trigger->id, outcome.problem);
    entry.error = outcome.problem;
  }
}

}  // namespace runwatch
