#include "runwatch/runtime/flow_triggers.h"

#include <mutex>

#include "runwatch/logging/loggers.h"

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

}  // namespace

struct FlowTriggers::Entry {
  std::shared_ptr<const Flow> flow;
  const TriggerDef* trigger;
  ConditionSet conditions;
  StateMask states;
};

FlowTriggers::FlowTriggers() = default;
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

void FlowTriggers::set_flows(const std::vector<std::shared_ptr<const Flow>>& flows) {
  std::vector<std::unique_ptr<Entry>> entries;
  TriggerIndex index;
  for (const auto& flow : flows) {
    if (flow->disabled) continue;
    for (const auto& trigger : flow->triggers) {
      if (trigger.disabled || trigger.type != kFlowTriggerType) continue;
      std::unique_ptr<Entry> entry;
      try {
        entry = std::make_unique<Entry>(
            Entry{flow, &trigger, ConditionSet(trigger.conditions), flow_trigger_states(trigger)});
      } catch (const std::exception& e) {
        logger(kFlowTriggerLogger)->warn("Flow trigger {}.{} is ignored: {}", flow->key(), trigger.id, e.what());
        continue;
      }
      index.add(static_cast<uint32_t>(entries.size()), flow_trigger_constraint(*flow, trigger, entry->conditions));
      entries.push_back(std::move(entry));
    }
  }
  std::unique_lock lock(mutex_);
  entries_ = std::move(entries);
  index_ = std::move(index);
}

std::vector<FlowTriggerMatch> FlowTriggers::match(const Execution& execution,
                                                  std::vector<std::string>* warnings) const {
  std::vector<FlowTriggerMatch> out;
  State state = execution.state.current();
  std::shared_lock lock(mutex_);
  Value trigger = flow_trigger_variables(execution);
  Value variables;  // built on the first candidate: most events meet none
  for (uint32_t id : index_.candidates(execution.ns, execution.flow_id, state)) {
    const Entry& entry = *entries_[id];
    if (entry.flow->ns == execution.ns && entry.flow->id == execution.flow_id) continue;  // never itself
    if (!(entry.states & state_bit(state))) continue;
    if (variables.is_null()) variables = event_variables(execution, trigger);
    ConditionInput input{&execution, execution.state.history().back().date, &variables};
    std::string why;
    if (entry.conditions.matches(input, &why)) {
      out.push_back({entry.flow, entry.trigger, trigger});
    } else if (!why.empty() && warnings) {
      warnings->push_back("trigger " + entry.flow->key() + "." + entry.trigger->id + ": " + why);
    }
  }
  return out;
}

size_t FlowTriggers::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace runwatch
