#include "runwatch/alert_history.h"

#include <set>

#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/registry.h"

namespace runwatch {
namespace {

// What a notification is about: a flow, one of its executions and the labels to show.
struct Subject {
  std::string ns, flow_id, execution_id, group_key;
  Value labels = Value::object();
};

std::vector<Subject> subjects_of(const Execution& execution) {
  const Value& trigger = execution.trigger;
  if (trigger.is_object()) {
    if (auto alerts = trigger.find("alerts"); alerts != trigger.end() && alerts->is_array()) {
      std::vector<Subject> out;
      for (const auto& alert : *alerts) {
        if (!alert.is_object()) continue;
        Value labels = alert.value("labels", Value::object());
        out.push_back({string_or(labels, "namespace", ""), string_or(labels, "flowId", ""),
                       string_or(alert, "lastExecutionId", ""), string_or(trigger, "groupKey", ""), labels});
      }
      return out;
    }
    if (trigger.contains("executionId"))
      return {{string_or(trigger, "namespace", ""), string_or(trigger, "flowId", ""),
               string_or(trigger, "executionId", ""), ""}};
  }
  return {{execution.ns, execution.flow_id, execution.id, ""}};
}

std::set<std::string> notifier_task_ids(const Flow& flow) {
  std::set<std::string> ids;
  for_each_task(flow, [&](const TaskDef& task) {
    const TypeSchema* schema = PluginRegistry::global().find(PluginKind::Task, task.type);
    if (schema && schema->notifier) ids.insert(task.id);
  });
  return ids;
}

std::string last_error(const Execution& execution, const TaskRun& run) {
  for (auto it = execution.logs.rbegin(); it != execution.logs.rend(); ++it)
    if (it->task_run_id == run.id && it->level == LogLevel::ERROR) return it->message;
  return std::string(to_string(run.state.current()));
}

}  // namespace

std::vector<AlertEvent> delivery_events(const Flow& flow, const Execution& execution, TimePoint now) {
  std::vector<AlertEvent> events;
  std::set<std::string> notifiers;
  bool looked = false;
  for (const auto& run : execution.task_runs) {
    if (!is_terminal(run.state.current())) continue;
    if (!looked) notifiers = notifier_task_ids(flow), looked = true;
    if (!notifiers.contains(run.task_id)) continue;
    const State state = run.state.current();
    const bool delivered = state == State::SUCCESS || state == State::WARNING;
    const std::string reason = delivered ? "" : last_error(execution, run);
    const std::string key = idempotency_key({.execution_id = execution.id, .task_run_id = run.id});
    for (auto& subject : subjects_of(execution))
      events.push_back({.date = now,
                        .status = delivered ? "delivered" : "failed",
                        .alert_ns = execution.ns,
                        .alert_flow_id = execution.flow_id,
                        .ns = std::move(subject.ns),
                        .flow_id = std::move(subject.flow_id),
                        .execution_id = std::move(subject.execution_id),
                        .group_key = std::move(subject.group_key),
                        .labels = std::move(subject.labels),
                        .notification_id = execution.id,
                        .task_id = run.task_id,
                        .reason = reason,
                        .idempotency_key = key});
  }
  return events;
}

AlertEvent suppressed_event(const Flow& alert_flow, const std::string& trigger_id, const Execution& source,
                            const std::string& silence, TimePoint now) {
  return {.date = now,
          .status = "suppressed",
          .alert_ns = alert_flow.ns,
          .alert_flow_id = alert_flow.id,
          .trigger_id = trigger_id,
          .ns = source.ns,
          .flow_id = source.flow_id,
          .execution_id = source.id,
          .reason = silence};
}

}  // namespace runwatch
