#include "runwatch/condition/alert_trigger.h"

#include <algorithm>

#include "runwatch/condition/compiled_condition.h"
#include "runwatch/model/time.h"
#include "runwatch/trigger/cron.h"
#include "runwatch/trigger/schemas.h"
#include "runwatch/trigger/time_zone.h"

namespace runwatch {
namespace {

using T = PropertyType;

std::set<State> named_states(const Value& names, std::set<State> fallback) {
  if (!names.is_array()) return fallback;
  std::set<State> out;
  for (const auto& name : names)
    if (auto state = name.is_string() ? parse_state(name.get<std::string>()) : std::nullopt) out.insert(*state);
  return out;
}

std::optional<Duration> duration_of(const Value& properties, const char* name, Duration fallback) {
  auto it = properties.find(name);
  if (it == properties.end() || it->is_null()) return fallback;
  return it->is_string() ? parse_duration(it->get<std::string>()) : std::nullopt;
}

void check_consecutive(const Value& properties, std::vector<PropertyProblem>& problems) {
  auto it = properties.find("consecutive");
  if (it == properties.end() || it->is_null()) return;
  if (it->is_string() && parse_duration(it->get<std::string>()))
    problems.push_back({"consecutive",
                        "'consecutive' counts executions in a row (an integer such as 3), not a duration: an alert "
                        "fires once that many watched executions of a group in a row ended in a firing state"});
  else if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 1'000'000)
    problems.push_back({"consecutive", "'consecutive' must be an integer from 1 to 1000000"});
}

void check_states(const Value& properties, std::vector<PropertyProblem>& problems) {
  const AlertRule defaults;
  auto firing = named_states(properties.value("firing", Value()), defaults.firing);
  auto resolving = named_states(properties.value("resolving", Value()), defaults.resolving);
  if (firing.empty())
    problems.push_back({"firing", "'firing' must name at least one state: the alert could never fire"});
  for (State state : firing)
    if (resolving.contains(state))
      problems.push_back({"resolving", "state " + std::string(to_string(state)) +
                                           " is both in 'firing' and in 'resolving': an execution ending in it "
                                           "would fire and resolve the same alert"});
}

void check_group_by(const Value& properties, std::vector<PropertyProblem>& problems) {
  auto it = properties.find("groupBy");
  if (it == properties.end() || !it->is_array()) return;
  std::set<std::string> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& by = (*it)[i];
    std::string path = "groupBy[" + std::to_string(i) + "]";
    std::string name = by.is_string() ? by.get<std::string>() : "";
    bool label = name.starts_with(kLabelPrefix) && name.size() > kLabelPrefix.size();
    if (name != "namespace" && name != "flowId" && !label)
      problems.push_back({path, "'" + name + "' is not a grouping: use namespace, flowId or labels.<key>"});
    else if (!seen.insert(name).second)
      problems.push_back({path, "'" + name + "' is given twice"});
  }
}

// Dates are counted in nanoseconds from 1970: a longer duration would overflow them.
constexpr Duration kLongest = std::chrono::hours(24 * 3660);

void check_longest(const char* name, Duration duration, std::vector<PropertyProblem>& problems) {
  if (duration > kLongest)
    problems.push_back({name, std::string("'") + name + "' must be at most P3660D (about ten years)"});
}

void check_intervals(const Value& properties, std::vector<PropertyProblem>& problems) {
  const AlertRule defaults;
  std::optional<Duration> durations[3];
  const char* names[3] = {"groupWait", "groupInterval", "repeatInterval"};
  const Duration fallbacks[3] = {defaults.group_wait, defaults.group_interval, defaults.repeat_interval};
  for (int i = 0; i < 3; ++i) {
    durations[i] = duration_of(properties, names[i], fallbacks[i]);
    if (!durations[i])
      problems.push_back({names[i], std::string("'") + names[i] + "' must be a fixed ISO-8601 duration such as PT5M"});
    else if (*durations[i] < Duration::zero() || (i > 0 && *durations[i] <= Duration::zero()))
      problems.push_back(
          {names[i], std::string("'") + names[i] + (i > 0 ? "' must be positive" : "' must not be negative")});
    else
      check_longest(names[i], *durations[i], problems);
  }
  if (durations[1] && durations[2] && *durations[2] < *durations[1])
    problems.push_back({"repeatInterval", "'repeatInterval' (" + format_duration(*durations[2]) +
                                              ") must not be shorter than 'groupInterval' (" +
                                              format_duration(*durations[1]) +
                                              "): a notification is sent at most once per group interval"});
}

// `states` of Absence (each ended) or Stuck (none ended).
void check_watched_states(const Value& properties, bool ended, std::vector<PropertyProblem>& problems) {
  auto it = properties.find("states");
  if (it == properties.end() || !it->is_array()) return;
  if (it->empty()) problems.push_back({"states", "'states' must name at least one state"});
  for (size_t i = 0; i < it->size(); ++i) {
    auto state = (*it)[i].is_string() ? parse_state((*it)[i].get<std::string>()) : std::nullopt;
    if (state && is_terminal(*state) != ended)
      problems.push_back({"states[" + std::to_string(i) + "]",
                          std::string(to_string(*state)) +
                              (ended ? " is not a state an execution ends in: a run counts once it ended"
                                     : " is a state an execution ends in: an ended execution is never stuck")});
  }
}

void check_shared(const Value& properties, std::vector<PropertyProblem>& problems) {
  check_group_by(properties, problems);
  check_intervals(properties, problems);
}

std::vector<PropertyProblem> check_alert_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  check_consecutive(properties, problems);
  check_states(properties, problems);
  check_shared(properties, problems);
  return problems;
}

std::vector<PropertyProblem> check_absence_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  check_watched_states(properties, true, problems);
  check_shared(properties, problems);
  auto text = [&](const char* name) {
    auto it = properties.find(name);
    return it != properties.end() && it->is_string() ? std::optional(it->get<std::string>()) : std::nullopt;
  };
  auto expect_by = text("expectBy"), max_interval = text("maxInterval"), zone = text("timezone");
  if (expect_by.has_value() == max_interval.has_value())
    problems.push_back({"", expect_by ? "give either 'expectBy' or 'maxInterval', not both"
                                      : "give 'expectBy' (a cron: by each of its dates a run must have ended) or "
                                        "'maxInterval' (a duration: the longest time between two runs)"});
  if (max_interval) {
    auto interval = parse_duration(*max_interval);
    if (!interval || *interval <= Duration::zero())
      problems.push_back({"maxInterval", "'maxInterval' must be a positive ISO-8601 duration such as PT25H"});
    else
      check_longest("maxInterval", *interval, problems);
  }
  std::shared_ptr<const TimeZone> time_zone = TimeZone::utc();
  try {
    if (zone) time_zone = TimeZone::find(*zone);
  } catch (const Error& e) {
    problems.push_back({"timezone", e.what()});
  }
  if (!expect_by) return problems;
  try {
    auto cron = Cron::parse(*expect_by);
    if (!cron.next(TimePoint{}, *time_zone) || !cron.next(*cron.next(TimePoint{}, *time_zone), *time_zone))
      problems.push_back({"expectBy", "the cron '" + *expect_by + "' never fires: no deadline would ever come"});
  } catch (const Error& e) {
    problems.push_back({"expectBy", e.what()});
  }
  return problems;
}

std::vector<PropertyProblem> check_stuck_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  check_watched_states(properties, false, problems);
  check_shared(properties, problems);
  auto it = properties.find("after");
  auto after = it != properties.end() && it->is_string() ? parse_duration(it->get<std::string>()) : std::nullopt;
  if (it != properties.end() && (!after || *after <= Duration::zero()))
    problems.push_back({"after", "'after' must be a positive ISO-8601 duration such as PT1H"});
  else if (after)
    check_longest("after", *after, problems);
  return problems;
}

PropertySpec when_property() {
  return {.name = "when",
          .type = T::String,
          .description =
              "An expression over the watched execution (flow, execution, labels, outputs, inputs); "
              "executions for which it renders false, 0, -0 or blank are not watched."};
}

// groupBy, sendResolved, the three intervals and inputs: what every alerting trigger takes.
std::vector<PropertySpec> grouping_properties(std::string group_by) {
  return {{.name = "groupBy",
           .type = T::StringList,
           .description = std::move(group_by),
           .default_value = Value::array({"namespace", "flowId"})},
          {.name = "sendResolved",
           .type = T::Boolean,
           .description = "Whether resolved alerts are notified.",
           .default_value = true},
          {.name = "groupWait",
           .type = T::Duration,
           .description = "How long the first notification waits for other groups to fire.",
           .default_value = "PT30S"},
          {.name = "groupInterval",
           .type = T::Duration,
           .description = "How long after a notification the next one may tell of added or resolved alerts.",
           .default_value = "PT5M"},
          {.name = "repeatInterval",
           .type = T::Duration,
           .description = "How long after a notification alerts still firing are notified again.",
           .default_value = "PT4H"},
          trigger_inputs("The inputs of the started execution, templated with the notification (trigger.*).")};
}

TypeSchema alerting_schema(std::string_view type, std::string description, std::vector<PropertySpec> own,
                           std::string group_by, PropertiesCheck check) {
  own.insert(own.begin(), when_property());
  for (auto& shared : grouping_properties(std::move(group_by))) own.push_back(std::move(shared));
  auto schema = trigger_schema(std::string(type.substr(type.rfind('.') + 1)), std::move(description), std::move(own));
  schema.name = type;
  schema.aliases.clear();
  schema.check = check;
  schema.refused_properties = {
      {"preconditions", "an alerting trigger takes 'conditions' and 'when', not 'preconditions'"}};
  return schema;
}

constexpr const char* kNotificationVariables =
    "Its execution sees trigger.status (firing, resolved), trigger.reason (first, new, repeat, resolved), "
    "trigger.groupKey and trigger.alerts.";

std::string timing_text() {
  return "The flow starts once per notification, with Alertmanager's timing: `groupWait` after the first alert "
         "fires, then at most once per `groupInterval` when alerts were added or resolved, and again after "
         "`repeatInterval` while they still fire. ";
}

const std::string& text_or(const Value& properties, const char* name, const std::string& fallback) {
  auto it = properties.find(name);
  return it != properties.end() && it->is_string() ? it->get_ref<const std::string&>() : fallback;
}

// The flows an Absence trigger expects by name: those of its ExecutionFlow conditions.
std::vector<std::pair<std::string, std::string>> named_flows(const std::vector<ConditionDef>& conditions) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& condition : conditions) {
    if (short_type_name(condition.type) != "ExecutionFlow") continue;
    auto ns = condition.properties.value("namespace", Value()), id = condition.properties.value("flowId", Value());
    if (ns.is_string() && id.is_string()) out.emplace_back(ns.get<std::string>(), id.get<std::string>());
  }
  return out;
}

}  // namespace

bool is_alerting_trigger(const TriggerDef& trigger) {
  return trigger.type == kAlertTriggerType || trigger.type == kAbsenceTriggerType || trigger.type == kStuckTriggerType;
}

TypeSchema alert_trigger_schema() {
  auto schema = alerting_schema(
      kAlertTriggerType,
      "Keeps one alert per group of the executions it watches (beyond Kestra): an alert fires once `consecutive` "
      "executions of its group in a row ended in a `firing` state, and resolves with the next one in a `resolving` "
      "state. " +
          timing_text() + kNotificationVariables,
      {{.name = "firing",
        .type = T::StateList,
        .description = "The states that extend a group's streak of failures.",
        .default_value = Value::array({"FAILED"})},
       {.name = "resolving",
        .type = T::StateList,
        .description = "The states that end a streak and resolve a firing alert; an execution in neither list "
                       "neither extends nor breaks a streak.",
        .default_value = Value::array({"SUCCESS"})},
       {.name = "consecutive",
        .type = T::Any,
        .description = "How many executions of a group in a row must end in a firing state before its alert "
                       "fires (an integer, at least 1; not a duration).",
        .default_value = 1}},
      "What makes a group: namespace, flowId and labels.<key> of the watched executions.", check_alert_properties);
  schema.refused_properties.push_back(
      {"for",
       "'for' is a duration in Prometheus and Grafana; the number of failing executions in a row before an "
       "alert fires is 'consecutive' (an integer such as 3)"});
  schema.refused_properties.push_back(
      {"states", "an Alert trigger takes 'firing' and 'resolving' states, not 'states'"});
  return schema;
}

TypeSchema absence_trigger_schema() {
  return alerting_schema(
      kAbsenceTriggerType,
      "Fires when a flow did not run (beyond Kestra): the executions its conditions choose, ended in one of "
      "`states`, count as runs; by each date of the cron `expectBy` (in `timezone`) a run of each group must have "
      "ended since the previous date, or at most `maxInterval` after the last run. A group's alert resolves with "
      "its next run. The groups are those that ran at least once while the trigger was loaded, and the flows its "
      "ExecutionFlow conditions name (from the trigger's loading on). " +
          timing_text() + kNotificationVariables +
          " The first alert's lastExecutionId, lastDate and deadline are also trigger.lastExecutionId, "
          "trigger.lastDate and trigger.deadline.",
      {{.name = "states",
        .type = T::StateList,
        .description = "The states in which an ended execution counts as a run.",
        .default_value = Value::array({"SUCCESS", "WARNING"})},
       {.name = "expectBy",
        .type = T::String,
        .description = "A cron expression: by each of its dates, a run must have ended since the previous one."},
       {.name = "timezone", .type = T::String, .description = "The time zone of `expectBy`.", .default_value = "UTC"},
       {.name = "maxInterval",
        .type = T::Duration,
        .description = "The longest time allowed from one run to the next (instead of `expectBy`)."}},
      "What makes a group: namespace, flowId and labels.<key> of the runs; the flows named by ExecutionFlow are "
      "expected with the default grouping only.",
      check_absence_properties);
}

TypeSchema stuck_trigger_schema() {
  return alerting_schema(
      kStuckTriggerType,
      "Fires once per execution that stays in one of `states` for `after` (beyond Kestra), with its running task "
      "(trigger.alerts[].task); the alert resolves when the execution ends. Kestra's flow `sla` stays the per-flow "
      "way. " +
          timing_text() + kNotificationVariables,
      {{.name = "states",
        .type = T::StateList,
        .description = "The states in which an execution may be stuck.",
        .default_value = Value::array({"CREATED", "QUEUED", "RUNNING", "PAUSED"})},
       {.name = "after",
        .type = T::Duration,
        .required = true,
        .description = "How long an execution may stay in `states` before its alert fires."}},
      "What makes a group, besides the execution's id (always among the labels, as executionId): namespace, "
      "flowId and labels.<key>.",
      check_stuck_properties);
}

AlertRule alert_rule_of(const TriggerDef& trigger) {
  const auto& p = trigger.properties;
  AlertRule rule;
  if (auto it = p.find("groupBy"); it != p.end() && it->is_array()) rule.group_by = it->get<std::vector<std::string>>();
  if (auto it = p.find("groupBy"); it != p.end() && it->is_string()) rule.group_by = {it->get<std::string>()};
  rule.send_resolved = p.value("sendResolved", true);
  rule.group_wait = duration_of(p, "groupWait", rule.group_wait).value_or(rule.group_wait);
  rule.group_interval = duration_of(p, "groupInterval", rule.group_interval).value_or(rule.group_interval);
  rule.repeat_interval = duration_of(p, "repeatInterval", rule.repeat_interval).value_or(rule.repeat_interval);
  const Value states = p.value("states", Value());
  if (trigger.type == kAbsenceTriggerType) {
    rule.kind = AlertKind::Absence;
    rule.firing = {};
    rule.resolving = named_states(states, {State::SUCCESS, State::WARNING});
    rule.expect_by = text_or(p, "expectBy", "");
    rule.timezone = text_or(p, "timezone", "UTC");
    if (auto it = p.find("maxInterval"); it != p.end() && it->is_string())
      rule.max_interval = parse_duration(it->get<std::string>());
    bool default_grouping = rule.group_by == AlertRule{}.group_by;
    if (default_grouping) rule.expected_flows = named_flows(trigger.conditions);
  } else if (trigger.type == kStuckTriggerType) {
    rule.kind = AlertKind::Stuck;
    rule.firing = named_states(states, {State::CREATED, State::QUEUED, State::RUNNING, State::PAUSED});
    rule.resolving = {};
    rule.after = duration_of(p, "after", Duration::zero()).value_or(Duration::zero());
  } else {
    rule.firing = named_states(p.value("firing", Value()), rule.firing);
    rule.resolving = named_states(p.value("resolving", Value()), rule.resolving);
    if (auto it = p.find("consecutive"); it != p.end() && it->is_number_integer()) rule.consecutive = it->get<int>();
  }
  return rule;
}

StateMask state_mask(const std::set<State>& states) {
  StateMask mask = 0;
  for (State s : states) mask |= state_bit(s);
  return mask;
}

StateMask alert_trigger_states(const TriggerDef& trigger) {
  auto rule = alert_rule_of(trigger);
  StateMask mask = state_mask(rule.firing) | state_mask(rule.resolving);
  return rule.kind == AlertKind::Stuck ? mask | terminal_states() : mask;
}

}  // namespace runwatch
