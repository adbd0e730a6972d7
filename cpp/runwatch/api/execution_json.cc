#include "runwatch/api/execution_json.h"

#include "runwatch/model/time.h"

namespace runwatch {
namespace {

Value state_json(const StateHistory& state) {
  Value histories = Value::array();
  for (const auto& t : state.history()) histories.push_back({{"state", to_string(t.state)}, {"date", format_instant(t.date)}});
  Value out = {{"current", to_string(state.current())}, {"histories", histories},
               {"startDate", format_instant(state.start_date())}};
  if (auto end = state.end_date()) {
    out["endDate"] = format_instant(*end);
    out["duration"] = format_duration(*end - state.start_date());
  }
  return out;
}

Value labels_json(const std::vector<Label>& labels) {
  Value out = Value::array();
  for (const auto& l : labels) out.push_back({{"key", l.key}, {"value", l.value}});
  return out;
}

Value task_run_json(const Execution& e, const TaskRun& run) {
  Value attempts = Value::array();
  for (const auto& a : run.attempts) attempts.push_back({{"state", state_json(a.state)}});
  return {{"id", run.id},
          {"executionId", e.id},
          {"namespace", e.ns},
          {"flowId", e.flow_id},
          {"taskId", run.task_id},
          {"parentTaskRunId", run.parent_task_run_id.empty() ? Value() : Value(run.parent_task_run_id)},
          {"value", run.value ? Value(*run.value) : Value()},
          {"iteration", run.iteration ? Value(*run.iteration) : Value()},
          {"attempts", attempts},
          {"outputs", run.outputs},
          {"state", state_json(run.state)}};
}

}  // namespace

Value execution_json(const Execution& e) {
  Value runs = Value::array();
  for (const auto& run : e.task_runs) runs.push_back(task_run_json(e, run));
  Value out = {{"id", e.id},
               {"namespace", e.ns},
               {"flowId", e.flow_id},
               {"flowRevision", e.flow_revision},
               {"state", state_json(e.state)},
               {"inputs", e.inputs},
               {"labels", labels_json(e.labels)},
               {"taskRunList", runs}};
  if (!e.trigger.is_null()) out["trigger"] = e.trigger;
  if (!e.flow_outputs.empty()) out["outputs"] = e.flow_outputs;
  out["originalId"] = e.original_id.empty() ? e.id : e.original_id;
  out["metadata"] = {{"attemptNumber", e.attempt_number},
                     {"originalCreatedDate", format_instant(e.original_created.value_or(e.state.start_date()))}};
  if (e.schedule_date) out["scheduleDate"] = format_instant(*e.schedule_date);
  return out;
}

Value flow_json(const Flow& flow) {
  return {{"id", flow.id},
          {"namespace", flow.ns},
          {"revision", flow.revision},
          {"description", flow.description.empty() ? Value() : Value(flow.description)},
          {"disabled", flow.disabled},
          {"labels", labels_json(flow.labels)},
          {"source", flow.source}};
}

}  // namespace runwatch
