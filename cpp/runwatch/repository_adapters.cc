#include "runwatch/repository_adapters.h"

#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

// A JSON array: no separator can make two triggers' keys equal.
std::string trigger_key(const std::string& ns, const std::string& flow_id, const std::string& trigger_id) {
  return dump_json(Value::array({ns, flow_id, trigger_id}));
}

std::int64_t ticks(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint time_of(const Value& v) { return TimePoint(Duration(v.get<std::int64_t>())); }

std::string window_key(const WindowKey& key) {
  return dump_json(Value::array({key.ns, key.flow_id, key.trigger_id, key.condition_id}));
}

WindowKey window_key_of(const std::string& text) {
  auto v = Value::parse(text);
  return {v.at(0).get<std::string>(), v.at(1).get<std::string>(), v.at(2).get<std::string>(), v.at(3).get<std::string>()};
}

Value encode_window(const WindowState& state) {
  Value met = Value::object();
  for (const auto& [name, at] : state.met) met[name] = ticks(at);
  return {{"start", ticks(state.bounds.start)}, {"end", ticks(state.bounds.end)}, {"met", met}};
}

WindowState decode_window(const Value& v) {
  WindowState state{{time_of(v.at("start")), time_of(v.at("end"))}, {}};
  for (const auto& [name, at] : v.at("met").items()) state.met[name] = time_of(at);
  return state;
}

std::string trigger_key(const AlertTriggerKey& key) { return trigger_key(key.ns, key.flow_id, key.trigger_id); }

}  // namespace

std::optional<Value> RepositoryAlertState::load(const AlertTriggerKey& trigger) const {
  const std::string key = trigger_key(trigger);
  auto log = repository_.state(store::kAlertState, key);
  Value alerts = Value::object();
  std::set<std::string> groups;
  for (auto& [name, alert] : repository_.states(store::kAlertState, key + "/")) {
    std::string group = name.substr(key.size() + 1);
    groups.insert(group);
    alerts[group] = std::move(alert);
  }
  {
    std::lock_guard lock(mutex_);
    groups_[key] = groups;
  }
  if (!log) return groups.empty() ? std::nullopt : std::optional<Value>(Value::object({{"alerts", alerts}}));
  Value book = std::move(*log);
  book["alerts"] = std::move(alerts);
  return book;
}

void RepositoryAlertState::save(const AlertTriggerKey& trigger, AlertSave change) {
  const std::string key = trigger_key(trigger);
  std::vector<store::StateChange> states;
  {
    std::lock_guard lock(mutex_);
    for (auto& [group, alert] : change.alerts) {
      if (alert.is_null()) {
        groups_[key].erase(group);
        states.push_back({std::string(store::kAlertState), key + "/" + group, std::nullopt});
      } else {
        groups_[key].insert(group);
        states.push_back({std::string(store::kAlertState), key + "/" + group, std::move(alert)});
      }
    }
  }
  if (change.log) states.push_back({std::string(store::kAlertState), key, std::move(change.log)});
  indexer_.record_changes(std::move(states), std::move(change.events));
}

void RepositoryAlertState::erase(const AlertTriggerKey& trigger) {
  const std::string key = trigger_key(trigger);
  std::set<std::string> groups;
  {
    std::lock_guard lock(mutex_);
    groups = std::move(groups_[key]);
    groups_.erase(key);
  }
  for (const auto& group : groups) indexer_.record_state(store::kAlertState, key + "/" + group, std::nullopt);
  indexer_.record_state(store::kAlertState, key, std::nullopt);
}

std::vector<RepositoryArchive::Snapshot> RepositoryArchive::list(const ExecutionFilter& filter) const {
  store::ExecutionQuery query{filter.ns, filter.flow_id};
  if (filter.state) query.states = {*filter.state};
  return repository_.find_executions(query);
}

RepositoryWindowStore::RepositoryWindowStore(const store::Repository& repository, store::Indexer& indexer) : indexer_(indexer) {
  for (const auto& [key, value] : repository.states(store::kWindowState)) windows_[window_key_of(key)] = decode_window(value);
}

std::optional<WindowState> RepositoryWindowStore::get(const WindowKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  return it == windows_.end() ? std::nullopt : std::optional(it->second);
}

void RepositoryWindowStore::put(const WindowKey& key, const WindowState& state) {
  {
    std::lock_guard lock(mutex_);
    windows_[key] = state;
  }
  indexer_.record_state(store::kWindowState, window_key(key), encode_window(state));
}

void RepositoryWindowStore::erase(const WindowKey& key) {
  {
    std::lock_guard lock(mutex_);
    if (windows_.erase(key) == 0) return;
  }
  indexer_.record_state(store::kWindowState, window_key(key), std::nullopt);
}

std::optional<TimePoint> RepositoryScheduleState::last_date(const std::string& ns, const std::string& flow_id,
                                                            const std::string& trigger_id) const {
  auto state = repository_.state(store::kScheduleState, trigger_key(ns, flow_id, trigger_id));
  if (!state || !state->contains("lastDate")) return std::nullopt;
  return TimePoint(Duration(state->at("lastDate").get<std::int64_t>()));
}

void RepositoryScheduleState::set_last_date(const std::string& ns, const std::string& flow_id,
                                            const std::string& trigger_id, TimePoint date) {
  repository_.put_state(store::kScheduleState, trigger_key(ns, flow_id, trigger_id),
                        Value{{"lastDate", static_cast<std::int64_t>(date.time_since_epoch().count())}});
}

}  // namespace runwatch
