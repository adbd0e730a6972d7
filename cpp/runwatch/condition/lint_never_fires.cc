// Flow triggers whose conditions, states and the rule that a flow never triggers itself
// cannot all hold for one execution: they never fire. The warning names a smallest
// subset that cannot hold together, which is what the author has to change. A trigger
// with preconditions (or dependsOn) also never fires when fewer of them than its mode
// requires (all of them by default) can be met by an execution the trigger sees. An
// Alert trigger is checked twice: with its firing states (it never fires) and with its
// resolving states (its alerts never resolve).
#include <algorithm>
#include <functional>

#include "runwatch/condition/alert_trigger.h"
#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/lint_support.h"
#include "runwatch/condition/windowed_conditions.h"

namespace runwatch {
namespace {

struct Part {
  std::string name;
  Constraint constraint;
  bool is_condition;
};

constexpr size_t kLargestSubsetSearched = 4;

std::string states_name(const TriggerDef& trigger) {
  std::string names = state_names(flow_trigger_states(trigger));
  bool given = trigger.properties.contains("states") && !trigger.properties["states"].is_null();
  return (given ? "states [" : "the default states (the terminal ones: ") + names + (given ? "]" : ")");
}

// The states a trigger acts on, and what it means when none of them can be seen.
struct Watched {
  StateMask states;
  std::string name;
  std::string consequence;
};

std::vector<Watched> watched_states(const TriggerDef& trigger) {
  if (!is_alerting_trigger(trigger))
    return {{flow_trigger_states(trigger), states_name(trigger), "this trigger never fires"}};
  auto rule = alert_rule_of(trigger);
  if (rule.kind == AlertKind::Absence) {
    StateMask runs = state_mask(rule.resolving);
    return {{runs, "its states [" + state_names(runs) + "]", "no execution counts as a run: its alerts never resolve"}};
  }
  if (rule.kind == AlertKind::Stuck) {
    StateMask stuck = state_mask(rule.firing);
    return {{stuck, "its states [" + state_names(stuck) + "]", "this trigger never fires"}};
  }
  StateMask firing = state_mask(rule.firing), resolving = state_mask(rule.resolving);
  return {{firing, "its firing states [" + state_names(firing) + "]", "this trigger never fires"},
          {resolving, "its resolving states [" + state_names(resolving) + "]", "its alerts never resolve"}};
}

std::vector<Part> parts_of(const Flow& flow, const TriggerDef& trigger, const Watched& watched) {
  std::vector<Part> parts;
  for (size_t i = 0; i < trigger.conditions.size(); ++i) {
    const auto& condition = trigger.conditions[i];
    parts.push_back({"conditions[" + std::to_string(i) + "] (" + summarize(condition) + ")",
                     constraint_of(condition), true});
  }
  parts.push_back({watched.name, Constraint::state_in(watched.states), false});
  parts.push_back({"the rule that a flow never triggers itself", other_flows_than(flow), false});
  return parts;
}

// The first subset, smallest first, whose parts cannot hold together.
std::vector<size_t> smallest_conflict(const std::vector<Part>& parts) {
  std::vector<size_t> chosen;
  std::function<bool(size_t, size_t, const Constraint&)> search = [&](size_t size, size_t from, const Constraint& so_far) {
    if (chosen.size() == size) return so_far.is_empty();
    for (size_t i = from; i < parts.size(); ++i) {
      chosen.push_back(i);
      if (search(size, i + 1, so_far.intersect(parts[i].constraint))) return true;
      chosen.pop_back();
    }
    return false;
  };
  for (size_t size = 1; size <= std::min(parts.size(), kLargestSubsetSearched); ++size)
    if (search(size, 0, Constraint::everything())) return chosen;
  chosen.clear();
  for (size_t i = 0; i < parts.size(); ++i) chosen.push_back(i);
  return chosen;
}

std::string conflict_message(const std::vector<Part>& parts, const std::vector<size_t>& conflict,
                             const std::string& consequence) {
  std::string names;
  for (size_t k = 0; k < conflict.size(); ++k) {
    if (k > 0) names += k + 1 == conflict.size() ? " and " : ", ";
    names += parts[conflict[k]].name;
  }
  if (conflict.size() == 1) return names + " can never hold: " + consequence;
  std::string message =
      names + (conflict.size() == 2 ? " can never both hold" : " can never all hold") + ": " + consequence;
  if (conflict.size() == 2 && parts[conflict[0]].is_condition && parts[conflict[1]].is_condition)
    message += "; to fire on either, put them in an io.kestra.plugin.core.condition.OrCondition";
  return message;
}

void unreachable_preconditions(const Flow& flow, const TriggerDef& trigger, const Constraint& seen,
                               std::vector<ValidationIssue>& out) {
  std::optional<WindowedConditions> preconditions;
  try {
    preconditions = preconditions_of(trigger);
  } catch (const Error&) {
    return;  // the loader reports it
  }
  if (!preconditions) return;
  const auto& conditions = preconditions->conditions();
  std::string sees = "an execution this trigger sees (its conditions, " + states_name(trigger) + ", other flows only)";
  auto reachable = std::count_if(conditions.begin(), conditions.end(), [&](const auto& named) {
    return !seen.intersect(named.condition->constraint()).is_empty();
  });
  if (preconditions->required() < conditions.size()) {
    if (static_cast<size_t>(reachable) < preconditions->required())
      out.push_back(lint_warning(flow, trigger.path, trigger.pos,
                                 std::to_string(reachable) + " of the " + std::to_string(conditions.size()) +
                                     " dependsOn entries can be met by " + sees + ", fewer than the " +
                                     std::to_string(preconditions->required()) +
                                     " its mode requires: this trigger never fires"));
    return;
  }
  for (const auto& named : conditions) {
    if (!seen.intersect(named.condition->constraint()).is_empty()) continue;
    const auto& path = named.condition->definition().path;
    out.push_back(lint_warning(
        flow, path, trigger.pos,
        path.substr(trigger.path.size() + 1) + " can never be met by " + sees + ": this trigger never fires"));
  }
}

}  // namespace

std::vector<ValidationIssue> never_firing_triggers(const Flow& flow) {
  std::vector<ValidationIssue> out;
  for (const auto* trigger : flow_triggers(flow)) {
    for (const auto& watched : watched_states(*trigger)) {
      auto parts = parts_of(flow, *trigger, watched);
      Constraint all = Constraint::everything();
      for (const auto& part : parts) all = all.intersect(part.constraint);
      if (all.is_empty()) {
        out.push_back(lint_warning(flow, trigger->path, trigger->pos,
                                   conflict_message(parts, smallest_conflict(parts), watched.consequence)));
        break;  // an Alert trigger that never fires: whether it resolves does not matter
      }
      if (!is_alerting_trigger(*trigger)) unreachable_preconditions(flow, *trigger, all, out);
    }
  }
  return out;
}

}  // namespace runwatch
