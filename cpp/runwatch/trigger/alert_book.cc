#include "runwatch/trigger/alert_book.h"

#include <algorithm>
#include <stdexcept>

#include "runwatch/model/json_text.h"
#include "runwatch/model/time.h"
#include "runwatch/trigger/cron.h"
#include "runwatch/trigger/time_zone.h"

namespace runwatch {
namespace {

std::string label_value(const std::vector<Label>& labels, std::string_view key) {
  for (const auto& label : labels)
    if (label.key == key) return label.value;
  return "";
}

bool subset(const std::set<std::string>& part, const std::set<std::string>& whole) {
  return std::includes(whole.begin(), whole.end(), part.begin(), part.end());
}

Value instant_or_null(const std::optional<TimePoint>& t) { return t ? Value(format_instant(*t)) : Value(); }

TimePoint instant(const Value& v, const char* what) {
  auto t = v.is_string() ? parse_instant(v.get<std::string>()) : std::nullopt;
  if (!t) throw std::invalid_argument(std::string("alert book: bad ") + what);
  return *t;
}

std::optional<TimePoint> optional_instant(const Value& v, const char* what) {
  if (v.is_null()) return std::nullopt;
  return instant(v, what);
}

State state_named(const Value& v) {
  auto state = v.is_string() ? parse_state(v.get<std::string>()) : std::nullopt;
  if (!state) throw std::invalid_argument("alert book: bad state");
  return *state;
}

// A deadline that never comes (TimePoint::max) is no due date.
std::optional<TimePoint> finite(TimePoint t) { return t == TimePoint::max() ? std::nullopt : std::optional(t); }

Value names(const std::set<std::string>& keys) { return Value(std::vector<std::string>(keys.begin(), keys.end())); }

std::set<std::string> name_set(const Value& v) {
  std::set<std::string> out;
  for (const auto& name : v) out.insert(name.get<std::string>());
  return out;
}

}  // namespace

std::string_view to_string(NotifyReason reason) {
  switch (reason) {
    case NotifyReason::First:
      return "first";
    case NotifyReason::New:
      return "new";
    case NotifyReason::Repeat:
      return "repeat";
    case NotifyReason::Resolved:
      return "resolved";
  }
  return "first";
}

Value AlertRule::to_json() const {
  auto names_of = [](const std::set<State>& states) {
    Value out = Value::array();
    for (State s : states) out.push_back(runwatch::to_string(s));
    return out;
  };
  Value json = {{"groupBy", group_by},
                {"firing", names_of(firing)},
                {"resolving", names_of(resolving)},
                {"consecutive", consecutive},
                {"sendResolved", send_resolved},
                {"groupWait", format_duration(group_wait)},
                {"groupInterval", format_duration(group_interval)},
                {"repeatInterval", format_duration(repeat_interval)}};
  if (kind == AlertKind::Absence) {
    json["expectBy"] = expect_by;
    json["timezone"] = timezone;
    json["maxInterval"] = max_interval ? Value(format_duration(*max_interval)) : Value();
    json["expectedFlows"] = Value::array();
    for (const auto& [ns, flow_id] : expected_flows) json["expectedFlows"].push_back({ns, flow_id});
  } else if (kind == AlertKind::Stuck) {
    json["after"] = format_duration(after);
  }
  return json;
}

Value Alert::to_json(AlertKind kind) const {
  Value json = {{"labels", labels},
                {"status", firing    ? "firing"
                           : ends_at ? "resolved"
                                     : "pending"},
                {"streak", streak},
                {"count", count},
                {"startsAt", instant_or_null(starts_at)},
                {"firstExecutionId", first_execution_id},
                {"lastExecutionId", last_execution_id},
                {"lastDate", last_execution_id.empty() ? Value() : Value(format_instant(last_date))},
                {"lastState", last_execution_id.empty() ? Value() : Value(runwatch::to_string(last_state))}};
  if (kind == AlertKind::Absence) json["deadline"] = instant_or_null(due);
  if (kind == AlertKind::Stuck) json["task"] = task.empty() ? Value() : Value(task);
  return json;
}

AlertBook::AlertBook(AlertRule rule) : rule_(std::move(rule)) {
  if (rule_.kind != AlertKind::Absence || rule_.max_interval) return;
  auto zone = TimeZone::find(rule_.timezone);
  auto cron = std::make_shared<const Cron>(Cron::parse(rule_.expect_by));
  next_expected_ = [zone, cron](TimePoint after) { return cron->next(after, *zone); };
}

Value AlertBook::group_labels(const WatchedExecution& e) const {
  Value labels = Value::object();
  for (const auto& by : rule_.group_by) {
    if (by == "namespace")
      labels["namespace"] = e.ns;
    else if (by == "flowId")
      labels["flowId"] = e.flow_id;
    else if (by.starts_with(kLabelPrefix))
      labels[by] = label_value(e.labels, std::string_view(by).substr(kLabelPrefix.size()));
  }
  if (rule_.kind == AlertKind::Stuck) labels["executionId"] = e.id;
  return labels;
}

std::string AlertBook::group_key(const WatchedExecution& e) const { return dump_json(group_labels(e)); }

void AlertBook::observe(const WatchedExecution& e) {
  switch (rule_.kind) {
    case AlertKind::Streak:
      return observe_streak(e);
    case AlertKind::Absence:
      return observe_run(e);
    case AlertKind::Stuck:
      return observe_stuck(e);
  }
}

void AlertBook::set_due(const std::string& key, Alert& alert, std::optional<TimePoint> due) {
  if (alert.due) dues_.erase({*alert.due, key});
  alert.due = due;
  if (due) dues_.insert({*due, key});
}

void AlertBook::fire(const std::string& key, Alert& alert, TimePoint at) {
  changed_.insert(key);
  alert.firing = true;
  alert.starts_at = at;
  alert.ends_at.reset();
  if (!next_flush_) next_flush_ = at + rule_.group_wait;
}

void AlertBook::resolve(Alert& alert, const WatchedExecution& by) {
  alert.firing = false;
  alert.streak = 0;
  alert.ends_at = by.date;
  alert.last_execution_id = by.id;
  alert.last_date = by.date;
  alert.last_state = by.state;
}

TimePoint AlertBook::deadline_after(TimePoint last) const {
  if (rule_.max_interval) return last + *rule_.max_interval;
  // The run at `last` meets the first date at or after it; the next date wants a later one.
  auto met = next_expected_(last - std::chrono::seconds(1));
  auto next = met ? next_expected_(*met) : std::nullopt;
  // The loader refuses a cron that never fires; one whose dates ran out waits forever.
  return next ? *next : TimePoint::max();
}

void AlertBook::observe_run(const WatchedExecution& e) {
  if (!rule_.resolving.contains(e.state)) return;
  const std::string key = group_key(e);
  auto it = alerts_.find(key);
  if (it == alerts_.end()) it = alerts_.emplace(key, Alert{.labels = group_labels(e)}).first;
  Alert& alert = it->second;
  if (!alert.last_execution_id.empty() && e.date < alert.last_date) return;  // an older run, told late
  changed_.insert(key);
  if (alert.firing) {
    resolve(alert, e);
  } else {
    alert.last_execution_id = e.id;
    alert.last_date = e.date;
    alert.last_state = e.state;
  }
  alert.count = 0;
  set_due(key, alert, finite(deadline_after(e.date)));
}

void AlertBook::observe_stuck(const WatchedExecution& e) {
  const std::string key = group_key(e);
  auto it = alerts_.find(key);
  if (rule_.firing.contains(e.state)) {
    if (it == alerts_.end())
      it = alerts_.emplace(key, Alert{.labels = group_labels(e), .first_execution_id = e.id}).first;
    Alert& alert = it->second;
    if (!alert.firing && !alert.due) set_due(key, alert, e.date + rule_.after);  // new, or restarted
    changed_.insert(key);
    alert.last_execution_id = e.id;
    alert.last_date = e.date;
    alert.last_state = e.state;
    return;
  }
  if (it == alerts_.end()) return;
  changed_.insert(key);
  Alert& alert = it->second;
  set_due(key, alert, std::nullopt);
  if (alert.firing)
    resolve(alert, e);
  else if (!alert.active())
    alerts_.erase(it);  // ended before it was stuck
}

void AlertBook::expect(TimePoint now,
                       const std::function<bool(const std::string& ns, const std::string& flow_id)>& loaded) {
  if (rule_.kind != AlertKind::Absence) return;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    const Value& labels = it->second.labels;
    bool gone = labels.contains("namespace") && labels.contains("flowId") &&
                !loaded(labels["namespace"].get<std::string>(), labels["flowId"].get<std::string>());
    if (!gone) {
      ++it;
      continue;
    }
    changed_.insert(it->first);
    set_due(it->first, it->second, std::nullopt);
    it = alerts_.erase(it);
  }
  for (const auto& [ns, flow_id] : rule_.expected_flows) {
    if (!loaded(ns, flow_id)) continue;
    WatchedExecution flow{.ns = ns, .flow_id = flow_id};
    const std::string key = group_key(flow);
    if (alerts_.contains(key)) continue;
    Alert& alert = alerts_.emplace(key, Alert{.labels = group_labels(flow)}).first->second;
    changed_.insert(key);
    set_due(key, alert, finite(deadline_after(now)));
  }
}

void AlertBook::advance(TimePoint now, const StillStuck& still_stuck) {
  // A pending alert with a due date is in dues_; one that fired keeps an Absence deadline
  // (shown as `deadline`) out of it.
  while (!dues_.empty() && dues_.begin()->first <= now) {
    auto [due, key] = *dues_.begin();
    dues_.erase(dues_.begin());
    Alert& alert = alerts_.at(key);
    changed_.insert(key);
    if (rule_.kind == AlertKind::Stuck) {
      alert.due.reset();
      auto task = still_stuck ? still_stuck(alert.first_execution_id) : std::optional<std::string>("");
      if (!task) {  // it left the states unseen (deleted, or recovered as ended)
        if (!alert.active()) alerts_.erase(key);
        continue;
      }
      alert.task = *task;
    }
    alert.streak = alert.count = 1;
    fire(key, alert, due);
  }
}

std::optional<TimePoint> AlertBook::next_wake() const {
  if (dues_.empty()) return next_flush_;
  TimePoint due = dues_.begin()->first;
  return next_flush_ ? std::min(*next_flush_, due) : due;
}

void AlertBook::observe_streak(const WatchedExecution& e) {
  const bool fires = rule_.firing.contains(e.state);
  if (!fires && !rule_.resolving.contains(e.state)) return;  // neither extends nor breaks a streak
  const std::string key = group_key(e);
  auto it = alerts_.find(key);
  if (!fires) {
    if (it == alerts_.end()) return;
    Alert& alert = it->second;
    if (!alert.firing) {
      if (!alert.active()) {
        alerts_.erase(it);  // a streak that never fired: forgotten
        changed_.insert(key);
      }
      return;
    }
    changed_.insert(key);
    resolve(alert, e);
    return;
  }
  if (it == alerts_.end()) it = alerts_.emplace(key, Alert{.labels = group_labels(e)}).first;
  changed_.insert(key);
  Alert& alert = it->second;
  if (alert.streak == 0) {
    alert.first_execution_id = e.id;
    alert.count = 0;
  }
  ++alert.streak;
  ++alert.count;
  alert.last_execution_id = e.id;
  alert.last_date = e.date;
  alert.last_state = e.state;
  if (alert.firing || alert.streak < rule_.consecutive) return;
  fire(key, alert, e.date);
}

std::optional<AlertNotification> AlertBook::flush(TimePoint now, const std::function<bool(const Alert&)>& muted,
                                                  std::vector<AlertDecision>* decisions) {
  std::set<std::string> firing, resolved, ended;
  for (auto& [key, alert] : alerts_) {
    if (!alert.active()) continue;
    if (!alert.firing) ended.insert(key);
    const bool silenced = muted && muted(alert);
    if (silenced != alert.muted) {
      alert.muted = silenced;
      changed_.insert(key);
      if (silenced && decisions) decisions->push_back({key, "suppressed", alert});
    }
    if (!silenced) (alert.firing ? firing : resolved).insert(key);
  }
  std::optional<NotifyReason> reason;
  if (!notified_) {
    if (!firing.empty()) reason = NotifyReason::First;
  } else if (!subset(firing, notified_firing_)) {
    reason = notified_firing_.empty() ? NotifyReason::First : NotifyReason::New;
  } else if (firing.empty()) {
    if (!notified_firing_.empty()) reason = NotifyReason::Resolved;
  } else if (rule_.send_resolved && !subset(resolved, notified_resolved_)) {
    reason = NotifyReason::Resolved;
  } else if (now - notified_at_ > rule_.repeat_interval) {
    reason = NotifyReason::Repeat;
  }
  if (decisions) {
    for (const auto& key : firing) {
      if (!reason) break;
      if (*reason == NotifyReason::Repeat)
        decisions->push_back({key, "repeated", alerts_.at(key)});
      else if (!notified_firing_.contains(key))
        decisions->push_back({key, *reason == NotifyReason::First ? "fired" : "grouped", alerts_.at(key)});
    }
    // Resolved: in the notification, or (sendResolved false) one that was notified firing.
    for (const auto& key : resolved)
      if (!notified_resolved_.contains(key) && ((reason && rule_.send_resolved) || notified_firing_.contains(key)))
        decisions->push_back({key, "resolved", alerts_.at(key)});
  }

  std::optional<AlertNotification> sent;
  if (reason) {
    notified_ = true;
    notified_firing_ = firing;
    notified_resolved_ = resolved;
    notified_at_ = now;
    ++notifications_;
    AlertNotification n{.firing = !firing.empty(), .reason = *reason};
    for (const auto& key : firing) n.alerts.push_back(alerts_.at(key).to_json(rule_.kind));
    if (rule_.send_resolved)
      for (const auto& key : resolved) n.alerts.push_back(alerts_.at(key).to_json(rule_.kind));
    if (!n.alerts.empty()) sent = std::move(n);
  }
  // Resolved alerts are dropped once flushed, notified or not (Alertmanager's flush); one
  // whose group began a new streak since, or awaits its next deadline, stays, pending.
  for (const auto& key : ended) {
    changed_.insert(key);
    Alert& alert = alerts_.at(key);
    if (alert.streak > 0 || alert.due)
      alert.ends_at.reset();
    else
      alerts_.erase(key);
  }
  const bool active = std::any_of(alerts_.begin(), alerts_.end(), [](const auto& a) { return a.second.active(); });
  next_flush_ = active ? std::optional<TimePoint>(now + rule_.group_interval) : std::nullopt;
  return sent;
}

Value AlertBook::saved_alert(const std::string& key) const {
  auto it = alerts_.find(key);
  if (it == alerts_.end()) return nullptr;
  const Alert& a = it->second;
  return {{"labels", a.labels},
          {"streak", a.streak},
          {"count", a.count},
          {"firing", a.firing},
          {"startsAt", instant_or_null(a.starts_at)},
          {"endsAt", instant_or_null(a.ends_at)},
          {"firstExecutionId", a.first_execution_id},
          {"lastExecutionId", a.last_execution_id},
          {"lastDate", format_instant(a.last_date)},
          {"lastState", std::string(runwatch::to_string(a.last_state))},
          {"due", instant_or_null(a.due)},
          {"task", a.task},
          {"muted", a.muted}};
}

Value AlertBook::saved_log() const {
  return {{"rule", rule_.to_json()},
          {"nextFlush", instant_or_null(next_flush_)},
          {"notified", notified_},
          {"notifiedFiring", names(notified_firing_)},
          {"notifiedResolved", names(notified_resolved_)},
          {"notifiedAt", format_instant(notified_at_)},
          {"notifications", notifications_}};
}

Value AlertBook::to_json() const {
  Value saved = saved_log();
  saved["alerts"] = Value::object();
  for (const auto& entry : alerts_) saved["alerts"][entry.first] = saved_alert(entry.first);
  return saved;
}

AlertBook AlertBook::from_json(AlertRule rule, const Value& saved) {
  AlertBook book(std::move(rule));
  try {
    for (auto it = saved.at("alerts").begin(); it != saved.at("alerts").end(); ++it) {
      const Value& a = it.value();
      book.alerts_[it.key()] = Alert{.labels = a.at("labels"),
                                     .streak = a.at("streak").get<int>(),
                                     .count = a.at("count").get<int>(),
                                     .firing = a.at("firing").get<bool>(),
                                     .starts_at = optional_instant(a.at("startsAt"), "startsAt"),
                                     .ends_at = optional_instant(a.at("endsAt"), "endsAt"),
                                     .first_execution_id = a.at("firstExecutionId").get<std::string>(),
                                     .last_execution_id = a.at("lastExecutionId").get<std::string>(),
                                     .last_date = instant(a.at("lastDate"), "lastDate"),
                                     .last_state = state_named(a.at("lastState")),
                                     .due = optional_instant(a.value("due", Value()), "due"),
                                     .task = a.value("task", ""),
                                     .muted = a.value("muted", false)};
      const Alert& alert = book.alerts_[it.key()];
      if (alert.due && !alert.firing) book.dues_.insert({*alert.due, it.key()});
    }
    book.next_flush_ = optional_instant(saved.at("nextFlush"), "nextFlush");
    book.notified_ = saved.at("notified").get<bool>();
    book.notified_firing_ = name_set(saved.at("notifiedFiring"));
    book.notified_resolved_ = name_set(saved.at("notifiedResolved"));
    book.notified_at_ = instant(saved.at("notifiedAt"), "notifiedAt");
    book.notifications_ = saved.at("notifications").get<uint64_t>();
  } catch (const Value::exception& e) {
    throw std::invalid_argument(std::string("alert book: ") + e.what());
  }
  return book;
}

}  // namespace runwatch
