#include "runwatch/runtime/flow_triggers.h"

#include <algorithm>
#include <tuple>
#include <mutex>

#include "runwatch/condition/compiled_condition.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/model/json_text.h"

namespace runwatch {
namespace {

Value labels_of(const Execution& e) {
  Value labels = Value::object();
  for (const auto& l : e.labels) labels[l.key] = l.value;
  return labels;
}

// The variables Expression conditions see: the execution that changed state.
Value event_variables(const Execution& e, const Value& trigger) {
  return {{"flow", {{"id", e.flow_id}, {"namespace", e.ns}, {"revision", e.flow_revision}}},
          {"execution", {{"id", e.id}, {"state", to_string(e.state.current())}}},
          {"inputs", e.inputs},
          {"outputs", e.outputs()},
          {"labels", labels_of(e)},
          {"trigger", trigger}};
}

std::string warning_of(const TriggerDef& trigger, const Flow& flow, const std::string& why) {
  return "trigger " + flow.key() + "." + trigger.id + ": " + why;
}

}  // namespace

struct FlowTriggers::Entry {
  std::shared_ptr<const Flow> flow;
  const TriggerDef* trigger;
  std::optional<TextTemplate> when;         // Kestra 2.0's guard, before any window counts the event
  ConditionSet conditions;                  // those about the event alone
  std::vector<WindowedConditions> windows;  // its MultipleConditions, then its preconditions or dependsOn
  StateMask states;
  Constraint constraint;  // the events it can fire on

  Entry(std::shared_ptr<const Flow> f, const TriggerDef& t)
      : flow(std::move(f)),
        trigger(&t),
        when(when_of(t)),
        conditions(event_conditions(t)),
        windows(windows_of(t)),
        states(flow_trigger_states(t)),
        constraint(constraint_of(*flow, t, conditions, windows)) {}

  // Namespace, flow id, then the trigger's place in the flow.
  std::tuple<const std::string&, const std::string&, const TriggerDef*> order() const {
    return {flow->ns, flow->id, trigger};
  }

  // Whether `when` holds for the event; one that cannot be rendered does not, as in Kestra.
  bool admits(const ConditionInput& input, std::vector<std::string>* warnings) const {
    if (!when) return true;
    try {
      return is_truthy(when->render(input));
    } catch (const std::exception& e) {
      if (warnings)
        warnings->push_back(warning_of(*trigger, *flow, "`when` cannot be rendered: " + std::string(e.what())));
      return false;
    }
  }

 private:
  static std::optional<TextTemplate> when_of(const TriggerDef& trigger) {
    auto when = trigger.properties.find("when");
    if (when == trigger.properties.end() || when->is_null()) return std::nullopt;
    ConditionDef definition;
    definition.type = trigger.type;
    definition.path = trigger.path;
    return TextTemplate(definition, "when", when->is_string() ? when->get<std::string>() : dump_json(*when));
  }
  static Constraint constraint_of(const Flow& flow, const TriggerDef& trigger, const ConditionSet& conditions,
                                  const std::vector<WindowedConditions>& windows) {
    Constraint out = flow_trigger_constraint(flow, trigger, conditions);
    for (const auto& window : windows) out = out.intersect(window.constraint());
    return out;
  }
  static std::vector<ConditionDef> event_conditions(const TriggerDef& trigger) {
    std::vector<ConditionDef> out;
    std::copy_if(trigger.conditions.begin(), trigger.conditions.end(), std::back_inserter(out),
                 [](const ConditionDef& c) { return !is_multiple_condition(c); });
    return out;
  }
  static std::vector<WindowedConditions> windows_of(const TriggerDef& trigger) {
    std::vector<WindowedConditions> out;
    for (const auto& condition : trigger.conditions)
      if (is_multiple_condition(condition)) out.push_back(multiple_condition_of(condition));
    if (auto preconditions = preconditions_of(trigger)) out.push_back(std::move(*preconditions));
    return out;
  }
};

FlowTriggers::FlowTriggers(std::unique_ptr<WindowStore> windows) : windows_(std::move(windows)) {}
FlowTriggers::~FlowTriggers() = default;

Value flow_trigger_variables(const Execution& e) {
  Value first_failed, last_task;
  for (const auto& run : e.task_runs) {
    if (first_failed.is_null() && run.state.current() == State::FAILED) first_failed = run.task_id;
    last_task = run.task_id;
  }
  auto end = e.state.end_date();
  return {{"executionId", e.id},
          {"namespace", e.ns},
          {"flowId", e.flow_id},
          {"flowRevision", e.flow_revision},
          {"state", to_string(e.state.current())},
          {"executionLabels", labels_of(e)},
          {"outputs", e.outputs()},
          {"startDate", format_instant(e.state.start_date())},
          {"endDate", end ? Value(format_instant(*end)) : Value()},
          {"firstFailedTaskId", first_failed},
          {"lastTaskId", last_task}};
}

std::vector<std::shared_ptr<const FlowTriggers::Entry>> FlowTriggers::compile(const std::shared_ptr<const Flow>& flow) {
  std::vector<std::shared_ptr<const Entry>> entries;
  if (!flow || flow->disabled) return entries;
  for (const auto& trigger : flow->triggers) {
    if (trigger.disabled || !watches_executions(trigger)) continue;
    try {
      entries.push_back(std::make_shared<const Entry>(flow, trigger));
    } catch (const std::exception& e) {
      logger(kFlowTriggerLogger)->warn("Flow trigger {}.{} is ignored: {}", flow->key(), trigger.id, e.what());
    }
  }
  return entries;
}

void FlowTriggers::change_flows(const std::vector<FlowChange>& changes) {
  // Compiled before the lock is taken: events go on being matched meanwhile.
  std::vector<std::vector<std::shared_ptr<const Entry>>> compiled;
  compiled.reserve(changes.size());
  for (const auto& change : changes) compiled.push_back(compile(change.after));
  std::unique_lock lock(mutex_);
  for (size_t i = 0; i < changes.size(); ++i) {
    const std::string key = changes[i].flow().key();
    if (auto old = ids_of_flow_.find(key); old != ids_of_flow_.end()) {
      for (std::uint32_t id : old->second) {
        index_.remove(id);
        entries_[id] = nullptr;
        free_ids_.push_back(id);
      }
      ids_of_flow_.erase(old);
    }
    if (compiled[i].empty()) continue;
    auto& ids = ids_of_flow_[key];
    for (auto& entry : compiled[i]) {
      std::uint32_t id = static_cast<std::uint32_t>(entries_.size());
      if (free_ids_.empty()) {
        entries_.emplace_back();
      } else {
        id = free_ids_.back();
        free_ids_.pop_back();
      }
      index_.add(id, entry->constraint);
      entries_[id] = std::move(entry);
      ids.push_back(id);
    }
  }
}

std::vector<FlowTriggerMatch> FlowTriggers::fire(const Execution& execution, std::vector<std::string>* warnings) {
  return evaluate(execution, warnings, true);
}

std::vector<FlowTriggerMatch> FlowTriggers::match(const Execution& execution,
                                                  std::vector<std::string>* warnings) const {
  return evaluate(execution, warnings, false);
}

bool FlowTriggers::completes_windows(const Entry& entry, const ConditionInput& input, std::vector<std::string>* warnings,
                                     bool count_in_windows) const {
  bool complete = true, met_any = false;
  for (const auto& window : entry.windows) {
    WindowKey key{entry.flow->ns, entry.flow->id, entry.trigger->id, window.id()};
    std::string why;
    auto update = window.update(windows_->get(key), input, input.date, &why);
    if (!why.empty() && warnings) warnings->push_back(warning_of(*entry.trigger, *entry.flow, why));
    complete = complete && update.complete;
    met_any = met_any || update.met_any;
    if (!count_in_windows) continue;
    // As Kestra, a window all of whose conditions are met starts afresh unless told not to.
    if (update.state && !(update.complete && window.reset_on_success())) windows_->put(key, *update.state);
    else windows_->erase(key);
  }
  return complete && met_any;
}

std::vector<FlowTriggerMatch> FlowTriggers::evaluate(const Execution& execution, std::vector<std::string>* warnings,
                                                     bool count_in_windows) const {
  std::vector<FlowTriggerMatch> out;
  State state = execution.state.current();
  std::shared_lock lock(mutex_);
  // Both built on the first candidate: most events meet none.
  Value trigger;
  Value variables;
  auto candidates = index_.candidates(execution.ns, execution.flow_id, state);
  // Ids are reused as flows come and go: the monitoring flows start in the order of their
  // keys and of their triggers, whatever the ids.
  if (candidates.size() > 1)
    std::sort(candidates.begin(), candidates.end(),
              [this](std::uint32_t a, std::uint32_t b) { return entries_[a]->order() < entries_[b]->order(); });
  for (std::uint32_t id : candidates) {
    const Entry& entry = *entries_[id];
    if (entry.flow->ns == execution.ns && entry.flow->id == execution.flow_id) continue;  // never itself
    if (!(entry.states & state_bit(state))) continue;
    if (variables.is_null()) {
      trigger = flow_trigger_variables(execution);
      variables = event_variables(execution, trigger);
    }
    ConditionInput input{&execution, execution.state.history().back().date, &variables};
    if (!entry.admits(input, warnings)) continue;
    std::string why;
    if (!entry.conditions.matches(input, &why)) {
      if (!why.empty() && warnings) warnings->push_back(warning_of(*entry.trigger, *entry.flow, why));
    } else if (entry.windows.empty() || completes_windows(entry, input, warnings, count_in_windows)) {
      out.push_back({entry.flow, entry.trigger, trigger});
    }
  }
  return out;
}

size_t FlowTriggers::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size() - free_ids_.size();
}

}  // namespace runwatch
