#include "runwatch/store/execution_codec.h"

#include "runwatch/store/store_error.h"

namespace runwatch::store {
namespace {

Value encode_time(TimePoint t) { return static_cast<std::int64_t>(t.time_since_epoch().count()); }
TimePoint decode_time(const Value& v) { return TimePoint(Duration(v.get<std::int64_t>())); }

Value encode_state(const StateHistory& state) {
  Value out = Value::array();
  for (const auto& t : state.history()) out.push_back(Value::array({std::string(to_string(t.state)), encode_time(t.date)}));
  return out;
}

State decode_state_name(const Value& v) {
  auto state = parse_state(v.get<std::string>());
  if (!state) throw StoreError("unknown state '" + v.get<std::string>() + "'");
  return *state;
}

StateHistory decode_state(const Value& v) {
  if (!v.is_array() || v.empty()) throw StoreError("a state history must be a non-empty array");
  StateHistory state(decode_state_name(v[0][0]), decode_time(v[0][1]));
  for (size_t i = 1; i < v.size(); ++i) state.transition(decode_state_name(v[i][0]), decode_time(v[i][1]));
  return state;
}

Value encode_task_run(const TaskRun& run) {
  Value attempts = Value::array();
  for (const auto& a : run.attempts) attempts.push_back(encode_state(a.state));
  Value out = {{"id", run.id},
               {"taskId", run.task_id},
               {"parentTaskRunId", run.parent_task_run_id},
               {"branch", run.branch},
               {"state", encode_state(run.state)},
               {"attempts", attempts},
               {"outputs", run.outputs}};
  if (run.value) out["value"] = *run.value;
  if (run.iteration) out["iteration"] = *run.iteration;
  return out;
}

TaskRun decode_task_run(const Value& v) {
  TaskRun run;
  run.id = v.at("id").get<std::string>();
  run.task_id = v.at("taskId").get<std::string>();
  run.parent_task_run_id = v.at("parentTaskRunId").get<std::string>();
  run.branch = v.at("branch").get<std::string>();
  run.state = decode_state(v.at("state"));
  for (const auto& a : v.at("attempts")) run.attempts.push_back(Attempt{decode_state(a)});
  run.outputs = v.at("outputs");
  if (auto value = v.find("value"); value != v.end()) run.value = value->get<std::string>();
  if (auto iteration = v.find("iteration"); iteration != v.end()) run.iteration = iteration->get<int>();
  return run;
}

Value encode_log(const LogEntry& log) {
  return Value::array({encode_time(log.timestamp), std::string(to_string(log.level)), log.task_id, log.task_run_id,
                       log.attempt, log.message});
}

LogEntry decode_log(const Value& v) {
  auto level = parse_log_level(v.at(1).get<std::string>());
  if (!level) throw StoreError("unknown log level '" + v.at(1).get<std::string>() + "'");
  return LogEntry{decode_time(v.at(0)), *level, v.at(2).get<std::string>(), v.at(3).get<std::string>(),
                  v.at(4).get<int>(), v.at(5).get<std::string>()};
}

}  // namespace

Value encode_execution(const Execution& e) {
  Value labels = Value::array();
  for (const auto& l : e.labels) labels.push_back(Value::array({l.key, l.value}));
  Value runs = Value::array();
  for (const auto& run : e.task_runs) runs.push_back(encode_task_run(run));
  Value logs = Value::array();
  for (const auto& log : e.logs) logs.push_back(encode_log(log));
  Value out = {{"id", e.id},
               {"namespace", e.ns},
               {"flowId", e.flow_id},
               {"flowRevision", e.flow_revision},
               {"state", encode_state(e.state)},
               {"inputs", e.inputs},
               {"labels", labels},
               {"trigger", e.trigger},
               {"taskRuns", runs},
               {"logs", logs},
               {"outputs", e.flow_outputs}};
  if (e.attempt_number != 1) out["attemptNumber"] = e.attempt_number;
  if (!e.original_id.empty()) out["originalId"] = e.original_id;
  if (e.original_created) out["originalCreatedDate"] = encode_time(*e.original_created);
  if (e.schedule_date) out["scheduleDate"] = encode_time(*e.schedule_date);
  return out;
}

Execution decode_execution(const Value& v) {
  try {
    Execution e;
    e.id = v.at("id").get<std::string>();
    e.ns = v.at("namespace").get<std::string>();
    e.flow_id = v.at("flowId").get<std::string>();
    e.flow_revision = v.at("flowRevision").get<int>();
    e.state = decode_state(v.at("state"));
    e.inputs = v.at("inputs");
    for (const auto& l : v.at("labels")) e.labels.push_back(Label{l.at(0).get<std::string>(), l.at(1).get<std::string>()});
    e.trigger = v.at("trigger");
    for (const auto& run : v.at("taskRuns")) e.task_runs.push_back(decode_task_run(run));
    for (const auto& log : v.at("logs")) e.logs.push_back(decode_log(log));
    if (auto outputs = v.find("outputs"); outputs != v.end()) e.flow_outputs = *outputs;
    if (auto attempt = v.find("attemptNumber"); attempt != v.end()) e.attempt_number = attempt->get<int>();
    if (auto original = v.find("originalId"); original != v.end()) e.original_id = original->get<std::string>();
    if (auto created = v.find("originalCreatedDate"); created != v.end()) e.original_created = decode_time(*created);
    if (auto scheduled = v.find("scheduleDate"); scheduled != v.end()) e.schedule_date = decode_time(*scheduled);
    return e;
  } catch (const Value::exception& error) {
    throw StoreError(std::string("not an execution document: ") + error.what());
  }
}

}  // namespace runwatch::store
