#include "runwatch/runtime/alert_monitor.h"

#include "runwatch/condition/alert_trigger.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/alert_metrics.h"
#include "runwatch/model/thread_name.h"
#include "runwatch/runtime/ids.h"

namespace runwatch {
namespace {

// A book's incarnation: numbers notifications apart from those of an earlier book of the
// same trigger (whose rule changed), so that their execution ids never meet.
constexpr const char* kIncarnation = "incarnation";

std::string group_key_of(const AlertTriggerKey& key) { return key.ns + "." + key.flow_id + "/" + key.trigger_id; }

// Stuck: when the execution entered the states it may be stuck in (it stayed in them
// since); otherwise when it reached its state.
WatchedExecution watched_execution(const Execution& e, const AlertRule& rule) {
  const auto& history = e.state.history();
  TimePoint date = history.back().date;
  if (rule.kind == AlertKind::Stuck)
    for (auto it = history.rbegin(); it != history.rend() && rule.firing.contains(it->state); ++it) date = it->date;
  return {e.id, e.ns, e.flow_id, e.state.current(), date, e.labels};
}

// The task a stuck execution is at: its last task run not ended.
std::string running_task(const Execution& e) {
  for (auto it = e.task_runs.rbegin(); it != e.task_runs.rend(); ++it)
    if (!is_terminal(it->state.current())) return it->task_id;
  return "";
}

}  // namespace

Value alert_trigger_variables(const AlertTriggerKey& trigger, AlertKind kind, const AlertNotification& notification) {
  Value variables = {{"status", notification.firing ? "firing" : "resolved"},
                     {"reason", std::string(to_string(notification.reason))},
                     {"groupKey", group_key_of(trigger)},
                     {"alerts", notification.alerts}};
  if (kind == AlertKind::Absence && !notification.alerts.empty())
    for (const char* name : {"lastExecutionId", "lastDate", "deadline"}) variables[name] = notification.alerts[0][name];
  return variables;
}

AlertMonitor::AlertMonitor(const Clock& clock, Deliver deliver, Lookup lookup, AlertState* state,
                           const Silences* silences, const metrics::Catalog* metrics)
    : clock_(clock),
      deliver_(std::move(deliver)),
      lookup_(std::move(lookup)),
      state_(state),
      silences_(silences),
      metrics_(metrics),
      advanced_(clock.on_advance([this] {
        std::lock_guard lock(mutex_);
        cv_.notify_all();
      })) {
  thread_ = std::thread([this] { loop(); });
}

AlertMonitor::~AlertMonitor() { stop(); }

void AlertMonitor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

AlertMonitor::Book AlertMonitor::restore(const AlertTriggerKey& key, std::shared_ptr<const Flow> flow,
                                         const TriggerDef& trigger, AlertRule rule) const {
  Book book{std::move(flow), &trigger, rule, AlertBook(rule), new_id()};
  if (!state_) return book;
  try {
    auto saved = state_->load(key);
    if (!saved) return book;
    if (saved->value("rule", Value()) != rule.to_json() || !saved->contains(kIncarnation)) {
      logger(kAlertLogger)->info("Alert trigger {}: its rule changed, its alerts start afresh", group_key_of(key));
      state_->erase(key);
      return book;
    }
    book.book = AlertBook::from_json(rule, *saved);
    book.incarnation = saved->at(kIncarnation).get<std::string>();
    book.log_saved = true;
  } catch (const std::exception& e) {
    logger(kAlertLogger)
        ->error("Alert trigger {}: its saved alerts cannot be read, they start afresh: {}", group_key_of(key),
                e.what());
    state_->erase(key);
  }
  return book;
}

std::vector<const TriggerDef*> AlertMonitor::change_flows(const std::vector<FlowChange>& changes,
                                                          const Loaded& loaded) {
  std::lock_guard lock(mutex_);
  const auto earliest = earliest_locked();
  std::vector<const TriggerDef*> fresh_stuck;
  for (const auto& change : changes) {
    const Flow& changed = change.flow();
    static const std::vector<TriggerDef> kNone;
    // A reference into the flow: the books keep pointers to its triggers.
    const std::vector<TriggerDef>& triggers = change.after && !change.after->disabled ? change.after->triggers : kNone;
    // The flow's books as they were, to be kept, renewed or erased.
    std::map<AlertTriggerKey, Book> previous;
    for (auto it = books_.lower_bound({changed.ns, changed.id, ""});
         it != books_.end() && it->first.ns == changed.ns && it->first.flow_id == changed.id;) {
      unschedule_locked(it->first, it->second);
      absences_.erase(it->first);
      previous.insert(books_.extract(it++));
    }
    for (const auto& trigger : triggers) {
      if (trigger.disabled || !is_alerting_trigger(trigger)) continue;
      AlertTriggerKey key{changed.ns, changed.id, trigger.id};
      try {
        AlertRule rule = alert_rule_of(trigger);
        auto kept = previous.find(key);
        if (kept != previous.end() && kept->second.rule == rule) {
          Book book = std::move(kept->second);
          book.flow = change.after;
          book.trigger = &trigger;
          previous.erase(kept);
          enter_locked(key, std::move(book));
          continue;
        }
        if (kept != previous.end()) {  // its rule changed
          if (state_) state_->erase(key);
          previous.erase(kept);
          enter_locked(key, Book{change.after, &trigger, rule, AlertBook(rule), new_id()});
        } else {
          enter_locked(key, restore(key, change.after, trigger, rule));
        }
        if (rule.kind == AlertKind::Stuck && books_.at(key).book.alerts().empty()) fresh_stuck.push_back(&trigger);
      } catch (const std::exception& e) {  // the loader refuses what a book cannot take
        logger(kAlertLogger)->error("Alert trigger {} is ignored: {}", group_key_of(key), e.what());
      }
    }
    if (state_)
      for (const auto& gone : previous) state_->erase(gone.first);
  }
  // Every Absence book, not only the changed flows': a flow it names may have come or gone.
  // Their number does not grow with the flows that are not monitors.
  for (const auto& key : absences_) {
    Book& book = books_.at(key);
    book.book.expect(clock_.now(), loaded);
    save_locked(key, book, false);
    schedule_locked(key, book);
  }
  if (!wakes_.empty() && wakes_.begin()->first != earliest) cv_.notify_all();  // the thread sleeps until `earliest`
  return fresh_stuck;
}

void AlertMonitor::enter_locked(const AlertTriggerKey& key, Book book) {
  if (book.rule.kind == AlertKind::Absence) absences_.insert(key);
  schedule_locked(key, books_.emplace(key, std::move(book)).first->second);
}

void AlertMonitor::schedule_locked(const AlertTriggerKey& key, Book& book) {
  auto due = book.book.next_wake();
  if (due == book.scheduled) return;
  unschedule_locked(key, book);
  if (due) wakes_.emplace(*due, key);
  book.scheduled = due;
}

void AlertMonitor::unschedule_locked(const AlertTriggerKey& key, Book& book) {
  if (book.scheduled) wakes_.erase({*book.scheduled, key});
  book.scheduled.reset();
}

void AlertMonitor::observe(const std::shared_ptr<const Flow>& flow, const TriggerDef& trigger,
                           const Execution& execution) {
  std::lock_guard lock(mutex_);
  AlertTriggerKey key{flow->ns, flow->id, trigger.id};
  auto book = books_.find(key);
  if (book == books_.end()) return;  // not loaded (yet): change_flows tells
  inbox_.push_back({std::move(key), watched_execution(execution, book->second.rule)});
  cv_.notify_all();
}

void AlertMonitor::save_locked(const AlertTriggerKey& key, Book& book, bool log) {
  auto changed = book.book.take_changed();
  AlertSave change{.events = std::exchange(book.events, {})};
  if (!state_) return;
  for (const auto& group : changed) change.alerts.emplace_back(group, book.book.saved_alert(group));
  if (log || !book.log_saved) {
    Value saved = book.book.saved_log();
    saved[kIncarnation] = book.incarnation;
    change.log = std::move(saved);
    book.log_saved = true;
  }
  if (!change.alerts.empty() || change.log || !change.events.empty()) state_->save(key, std::move(change));
}

void AlertMonitor::count_locked(const Observation& observation) {
  auto it = books_.find(observation.trigger);
  if (it == books_.end()) return;  // removed since
  Book& book = it->second;
  auto due = book.book.next_flush();
  book.book.observe(observation.execution);
  save_locked(observation.trigger, book, book.book.next_flush() != due);
  schedule_locked(observation.trigger, book);
}

Value alert_json(const AlertTriggerAlerts& trigger, const Alert& alert) {
  Value json = alert.to_json(trigger.kind);
  const AlertTriggerKey& key = trigger.trigger;
  json["alert"] = {{"namespace", key.ns}, {"flowId", key.flow_id}, {"triggerId", key.trigger_id}};
  return json;
}

SilenceLabels alert_silence_labels(const AlertTriggerKey& trigger, const Alert& alert) {
  SilenceLabels labels{{"alert", trigger.ns + "." + trigger.flow_id},
                       {"state", std::string(to_string(alert.last_state))}};
  for (const auto& [name, value] : alert.labels.items())
    if (value.is_string()) labels[name] = value.get<std::string>();
  return labels;
}

std::optional<AlertDelivery> AlertMonitor::wake_locked(const AlertTriggerKey& key, Book& book, TimePoint now) {
  book.book.advance(now, [&](const std::string& id) -> std::optional<std::string> {
    auto execution = lookup_ ? lookup_(id) : nullptr;
    if (!execution || !book.rule.firing.contains(execution->state.current())) return std::nullopt;
    return running_task(*execution);
  });
  if (auto due = book.book.next_flush(); !due || *due > now) return std::nullopt;
  std::function<bool(const Alert&)> muted;
  if (silences_ && !silences_->empty())
    muted = [&](const Alert& alert) { return silences_->silenced(alert_silence_labels(key, alert)).has_value(); };
  std::vector<AlertDecision> decisions;
  auto notification = book.book.flush(now, muted, &decisions);
  std::string id;
  if (notification)
    id = derived_id("alert\n" + group_key_of(key) + "\n" + book.incarnation + "\n" +
                    std::to_string(book.book.notifications()));
  for (const auto& decision : decisions) book.events.push_back(decision_event(key, decision, now, notification, id));
  if (!notification) return std::nullopt;
  return AlertDelivery{book.flow, book.trigger, alert_trigger_variables(key, book.rule.kind, *notification), id};
}

AlertEvent AlertMonitor::decision_event(const AlertTriggerKey& key, const AlertDecision& decision, TimePoint now,
                                        const std::optional<AlertNotification>& notification,
                                        const std::string& notification_id) const {
  const Alert& alert = decision.alert;
  AlertEvent event{.date = now,
                   .status = std::string(decision.status),
                   .alert_ns = key.ns,
                   .alert_flow_id = key.flow_id,
                   .trigger_id = key.trigger_id,
                   .ns = alert.labels.value("namespace", ""),
                   .flow_id = alert.labels.value("flowId", ""),
                   .execution_id = alert.last_execution_id,
                   .group_key = group_key_of(key),
                   .labels = alert.labels};
  if (decision.status == "suppressed") {
    if (silences_) event.reason = silences_->silenced(alert_silence_labels(key, alert)).value_or("");
  } else if (notification) {
    event.notification_id = notification_id;
    event.reason = std::string(to_string(notification->reason));
  }
  return event;
}

std::optional<TimePoint> AlertMonitor::earliest_locked() const {
  if (wakes_.empty()) return std::nullopt;
  return wakes_.begin()->first;
}

void AlertMonitor::loop() {
  set_thread_name("alerts");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!inbox_.empty()) {
      for (const auto& observation : std::exchange(inbox_, {})) count_locked(observation);
      continue;
    }
    auto earliest = earliest_locked();
    auto now = clock_.now();
    if (!earliest || now < *earliest) {
      idle_cv_.notify_all();
      if (earliest)
        clock_.wait_until(lock, cv_, *earliest);
      else
        cv_.wait(lock);
      continue;
    }
    std::vector<AlertTriggerKey> woken;
    std::vector<AlertDelivery> deliveries;
    for (auto due = wakes_.begin(); due != wakes_.end() && due->first <= now; ++due) woken.push_back(due->second);
    for (const auto& key : woken) {
      Book& book = books_.at(key);
      if (auto delivery = wake_locked(key, book, now)) deliveries.push_back(std::move(*delivery));
      schedule_locked(key, book);
    }
    busy_ = true;
    lock.unlock();
    std::vector<std::pair<const AlertDelivery*, std::string>> failures;
    for (const auto& delivery : deliveries) {
      std::string outcome = "sent";
      try {
        deliver_(delivery);
      } catch (const std::exception& e) {
        outcome = "failed";
        failures.emplace_back(&delivery, e.what());
        logger(kAlertLogger)
            ->error("Alert trigger {}.{}: the notification could not start: {}", delivery.flow->key(),
                    delivery.trigger->id, e.what());
      }
      metrics::alert_notification(metrics_, delivery.variables.at("reason").get<std::string>(), outcome);
    }
    lock.lock();
    busy_ = false;
    for (const auto& [delivery, why] : failures) {
      auto it = books_.find({delivery->flow->ns, delivery->flow->id, delivery->trigger->id});
      if (it == books_.end()) continue;
      it->second.events.push_back({.date = now,
                                   .status = "failed",
                                   .alert_ns = delivery->flow->ns,
                                   .alert_flow_id = delivery->flow->id,
                                   .trigger_id = delivery->trigger->id,
                                   .group_key = group_key_of(it->first),
                                   .notification_id = delivery->execution_id,
                                   .reason = "the notification could not start: " + why});
    }
    // After the executions were asked for (see the header).
    for (const auto& key : woken)
      if (auto it = books_.find(key); it != books_.end()) save_locked(key, it->second, true);
  }
}

AlertCounts AlertMonitor::counts() const {
  std::lock_guard lock(mutex_);
  AlertCounts counts;
  for (const auto& entry : books_) {
    // An Absence group on time is no alert yet: pending is for Streak and Stuck.
    const bool pends = entry.second.rule.kind != AlertKind::Absence;
    for (const auto& [key, alert] : entry.second.book.alerts()) {
      if (alert.firing)
        ++counts.firing;
      else if (alert.ends_at)
        ++counts.resolved;
      else if (pends)
        ++counts.pending;
    }
  }
  return counts;
}

bool AlertMonitor::idle_locked() const {
  if (busy_ || !inbox_.empty()) return false;
  auto earliest = earliest_locked();
  return !earliest || (clock_.is_manual() && clock_.now() < *earliest);
}

bool AlertMonitor::idle() const {
  std::lock_guard lock(mutex_);
  return stopping_ || idle_locked();
}

bool AlertMonitor::wait_idle(std::chrono::steady_clock::duration timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  // The thread wakes on the clock's notification; look again every millisecond, as the
  // executor does, since the clock may move between our checks.
  while (!stopping_ && !idle_locked()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    idle_cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
  return true;
}

std::vector<AlertTriggerAlerts> AlertMonitor::alerts() const {
  std::lock_guard lock(mutex_);
  std::vector<AlertTriggerAlerts> out;
  for (const auto& [key, book] : books_) {
    AlertTriggerAlerts entry{key, book.rule.kind, {}};
    for (const auto& alert : book.book.alerts()) entry.alerts.push_back(alert.second);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace runwatch
