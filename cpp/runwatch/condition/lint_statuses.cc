// ExecutionStatus conditions and dependsOn entries that wait for a state their Flow
// trigger never sees: the trigger only reacts to its `states` (by default the terminal
// ones).
#include "runwatch/condition/alert_trigger.h"
#include "runwatch/condition/compiled_condition.h"
#include "runwatch/condition/flow_trigger.h"
#include "runwatch/condition/lint_support.h"

namespace runwatch {
namespace {

// ExecutionStatus conditions whose `in` must hold for the trigger to fire: at the top
// level or under Or and MultipleCondition, not under Not.
void collect_statuses(const std::vector<ConditionDef>& conditions, std::vector<const ConditionDef*>& out) {
  for (const auto& condition : conditions) {
    auto type = short_type_name(condition.type);
    if (type == "ExecutionStatus") out.push_back(&condition);
    if (type == "Or" || type == "MultipleCondition") collect_statuses(condition.conditions, out);
  }
}

std::string unseen_message(const std::string& waiter, StateMask unseen, StateMask seen, bool states_given) {
  std::string message = waiter + " waits for " + state_names(unseen) +
                        ", which this trigger never sees: it reacts only to " +
                        (states_given ? "its states [" : "the terminal states by default [") + state_names(seen) + "]";
  if (StateMask addable = unseen & static_cast<StateMask>(~state_bit(State::CREATED)))
    message += "; add " + state_names(addable) + " to the trigger's `states`";
  if (unseen & state_bit(State::CREATED)) message += "; a Flow trigger never reacts to CREATED";
  return message;
}

// The `states` of each dependsOn entry, as given (the loader reports bad ones).
std::vector<std::pair<size_t, StateMask>> depends_on_states(const TriggerDef& trigger) {
  std::vector<std::pair<size_t, StateMask>> out;
  auto entries = trigger.properties.find("dependsOn");
  if (entries == trigger.properties.end() || !entries->is_array()) return out;
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& entry = (*entries)[i];
    if (!entry.is_object() || !entry.contains("states")) continue;
    try {
      out.emplace_back(i, parse_state_names(entry["states"]));
    } catch (const Error&) {
      // the loader reports unknown states
    }
  }
  return out;
}

}  // namespace

std::vector<ValidationIssue> unseen_statuses(const Flow& flow) {
  std::vector<ValidationIssue> out;
  for (const auto* trigger : flow_triggers(flow)) {
    // An alerting trigger's states say something else; lint_never_fires covers them.
    if (is_alerting_trigger(*trigger)) continue;
    StateMask seen = flow_trigger_states(*trigger);
    bool states_given = trigger->properties.contains("states") && !trigger->properties["states"].is_null();
    std::vector<const ConditionDef*> statuses;
    collect_statuses(trigger->conditions, statuses);
    for (const auto* status : statuses) {
      const auto& in = property(*status, "in");
      if (!in.is_array()) continue;
      StateMask unseen;
      try {
        unseen = parse_state_names(in) & static_cast<StateMask>(~seen);
      } catch (const Error&) {
        continue;  // the loader reports unknown states
      }
      if (unseen == 0) continue;
      out.push_back(lint_warning(flow, status->path + ".in", status->pos,
                                 unseen_message("ExecutionStatus", unseen, seen, states_given)));
    }
    for (const auto& [i, states] : depends_on_states(*trigger)) {
      StateMask unseen = states & static_cast<StateMask>(~seen);
      if (unseen == 0) continue;
      auto entry = "dependsOn[" + std::to_string(i) + "]";
      out.push_back(lint_warning(flow, trigger->path + "." + entry + ".states", trigger->pos,
                                 unseen_message(entry, unseen, seen, states_given)));
    }
  }
  return out;
}

}  // namespace runwatch
