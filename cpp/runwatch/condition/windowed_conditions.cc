#include "runwatch/condition/windowed_conditions.h"

#include "runwatch/condition/compiled_condition.h"

namespace runwatch {

WindowedConditions::WindowedConditions(std::string id, std::vector<Named> conditions, TimeWindow window,
                                       bool reset_on_success, Quorum quorum)
    : id_(std::move(id)),
      conditions_(std::move(conditions)),
      window_(window),
      reset_on_success_(reset_on_success),
      quorum_(quorum) {}

size_t WindowedConditions::required() const {
  switch (quorum_.mode) {
    case Quorum::Mode::Any:
      return 1;
    case Quorum::Mode::AtLeast:
      return quorum_.min_satisfied;
    case Quorum::Mode::All:
      break;
  }
  return conditions_.size();
}

Constraint WindowedConditions::constraint() const {
  Constraint out = Constraint::nothing();
  for (const auto& named : conditions_) out = out.unite(named.condition->constraint());
  return out;
}

WindowUpdate WindowedConditions::update(const std::optional<WindowState>& stored, const ConditionInput& input,
                                        TimePoint now, std::string* why) const {
  WindowUpdate out;
  auto bounds = window_.bounds(now);
  if (!bounds) return out;
  WindowState state{*bounds, {}};
  bool sliding = window_.type() == TimeWindow::Type::SlidingWindow;
  if (stored && (sliding || stored->bounds == *bounds)) {
    // Only the conditions the trigger still has count: an edited dependsOn entry has a
    // new name.
    for (const auto& named : conditions_)
      if (auto met = stored->met.find(named.name);
          met != stored->met.end() && (!sliding || met->second >= bounds->start))
        state.met.emplace(met->first, met->second);
  }
  for (const auto& named : conditions_) {
    if (!named.condition->matches(input, why)) continue;
    state.met[named.name] = now;
    out.met_any = true;
  }
  out.complete = state.met.size() >= required();
  if (!state.met.empty()) out.state = std::move(state);
  return out;
}

bool is_multiple_condition(const ConditionDef& definition) {
  return short_type_name(definition.type) == "MultipleCondition";
}

namespace {

// Kestra's deprecated `window` and `windowAdvance` set those of the time window
// (`timeWindow`, earlier `sla`).
TimeWindow multiple_condition_window(const Value& properties, std::vector<PropertyProblem>& problems) {
  std::string key = properties.contains("timeWindow") ? "timeWindow" : "sla";
  Value window = properties.contains(key) ? properties[key] : Value::object();
  if (!window.is_object()) window = Value::object();
  for (const char* legacy : {"window", "windowAdvance"})
    if (properties.contains(legacy)) window[legacy] = properties[legacy];
  PropertyReader reader(window, key, problems);
  return TimeWindow::read(reader);
}

[[noreturn]] void throw_problems(const std::string& path, const std::vector<PropertyProblem>& problems) {
  std::string message;
  for (const auto& problem : problems)
    message += (message.empty() ? "" : "; ") + path + (problem.path.empty() ? "" : "." + problem.path) + ": " + problem.message;
  throw Error(message);
}

TimeWindow read_multiple_condition(const Value& properties, std::vector<PropertyProblem>& problems) {
  PropertyReader reader(properties, "", problems);
  reader.identifier("id");
  return multiple_condition_window(properties, problems);
}

}  // namespace

std::vector<PropertyProblem> check_multiple_condition_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  read_multiple_condition(properties, problems);
  return problems;
}

WindowedConditions multiple_condition_of(const ConditionDef& definition) {
  std::vector<PropertyProblem> problems;
  auto window = read_multiple_condition(definition.properties, problems);
  if (!problems.empty()) throw_problems(definition.path, problems);
  if (definition.conditions.empty()) throw_property_error(definition, "conditions", "must not be empty");
  std::vector<WindowedConditions::Named> named;
  for (const auto& child : definition.conditions) named.push_back({child.key, compile_condition(child)});
  return WindowedConditions(text_property(definition, "id"), std::move(named), window,
                            bool_property(definition, "resetOnSuccess", true));
}

std::vector<PropertyProblem> check_flow_trigger_properties(const Value& properties) {
  std::vector<PropertyProblem> problems;
  read_preconditions(properties, "", problems);
  read_depends_on(properties, "", "", problems);
  return problems;
}

std::optional<WindowedConditions> preconditions_of(const TriggerDef& trigger) {
  std::vector<PropertyProblem> problems;
  auto out = read_preconditions(trigger.properties, trigger.path, problems);
  if (!out) out = read_depends_on(trigger.properties, trigger.id, trigger.path, problems);
  if (!problems.empty()) throw_problems(trigger.path, problems);
  return out;
}

}  // namespace runwatch
