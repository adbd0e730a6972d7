#include "runwatch/condition/alert_trigger.h"

#include <algorithm>

#include "runwatch/model/time.h"
#include "runwatch/trigger/schemas.h"

namespace runwatch {
namespace {

using T = PropertyType;

std::set<State> states_of(const Value& names, std::set<State> fallback) {
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
  auto firing = states_of(properties.value("firing", Value()), defaults.firing);
  auto resolving = states_of(properties.value("resolving", Value()), defaults.resolving);
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
  }
  if (durations[1] && durations[2] && *durations[2] < *durations[1])
    problems.push_back({"repeatInterval", "'repeatInterval' (" + format_duration(*durations[2]) +
                                              ") must not be shorter than 'groupInterval' (" +
                                              format_duration(*durations[1]) +
                                              "): a notification is sent at most once per group interval"});
}

std::vector<PropertyProblem> check_alert_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  check_consecutive(properties, problems);
  check_states(properties, problems);
  check_group_by(properties, problems);
  check_intervals(properties, problems);
  return problems;
}

}  // namespace

TypeSchema alert_trigger_schema() {
  auto schema = trigger_schema(
      "Alert",
      "Keeps one alert per group of the executions it watches (beyond Kestra): an alert fires once `consecutive` "
      "executions of its group in a row ended in a `firing` state, and resolves with the next one in a `resolving` "
      "state. The flow starts once per notification, with Alertmanager's timing: `groupWait` after the first alert "
      "fires, then at most once per `groupInterval` when alerts were added or resolved, and again after "
      "`repeatInterval` while they still fire. Its execution sees trigger.status (firing, resolved), trigger.reason "
      "(first, new, repeat, resolved), trigger.groupKey and trigger.alerts.",
      {{.name = "when",
        .type = T::String,
        .description = "An expression over the watched execution (flow, execution, labels, outputs, inputs); "
                       "executions for which it renders false, 0, -0 or blank are not watched."},
       {.name = "firing",
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
        .default_value = 1},
       {.name = "groupBy",
        .type = T::StringList,
        .description = "What makes a group: namespace, flowId and labels.<key> of the watched executions.",
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
       trigger_inputs("The inputs of the started execution, templated with the notification (trigger.*).")});
  schema.name = kAlertTriggerType;
  schema.aliases.clear();
  schema.check = check_alert_properties;
  schema.refused_properties = {
      {"for",
       "'for' is a duration in Prometheus and Grafana; the number of failing executions in a row before an "
       "alert fires is 'consecutive' (an integer such as 3)"},
      {"states", "an Alert trigger takes 'firing' and 'resolving' states, not 'states'"},
      {"preconditions", "an Alert trigger takes 'conditions' and 'when', not 'preconditions'"}};
  return schema;
}

AlertRule alert_rule_of(const TriggerDef& trigger) {
  const auto& p = trigger.properties;
  AlertRule rule;
  if (auto it = p.find("groupBy"); it != p.end() && it->is_array()) rule.group_by = it->get<std::vector<std::string>>();
  if (auto it = p.find("groupBy"); it != p.end() && it->is_string()) rule.group_by = {it->get<std::string>()};
  rule.firing = states_of(p.value("firing", Value()), rule.firing);
  rule.resolving = states_of(p.value("resolving", Value()), rule.resolving);
  if (auto it = p.find("consecutive"); it != p.end() && it->is_number_integer()) rule.consecutive = it->get<int>();
  rule.send_resolved = p.value("sendResolved", true);
  rule.group_wait = duration_of(p, "groupWait", rule.group_wait).value_or(rule.group_wait);
  rule.group_interval = duration_of(p, "groupInterval", rule.group_interval).value_or(rule.group_interval);
  rule.repeat_interval = duration_of(p, "repeatInterval", rule.repeat_interval).value_or(rule.repeat_interval);
  return rule;
}

StateMask state_mask(const std::set<State>& states) {
  StateMask mask = 0;
  for (State s : states) mask |= state_bit(s);
  return mask;
}

StateMask alert_trigger_states(const TriggerDef& trigger) {
  auto rule = alert_rule_of(trigger);
  return state_mask(rule.firing) | state_mask(rule.resolving);
}

}  // namespace runwatch
