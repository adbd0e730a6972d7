#pragma once
// Executions, task runs, attempts and log lines: plain data owned by the executor and
// published as immutable snapshots.
#include <optional>
#include <string>
#include <vector>

#include "runwatch/model/flow.h"
#include "runwatch/model/state.h"
#include "runwatch/model/value.h"

namespace runwatch {

enum class LogLevel { TRACE, DEBUG, INFO, WARN, ERROR };
std::string_view to_string(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view name);  // "WARNING" accepted for WARN

struct LogEntry {
  TimePoint timestamp;
  LogLevel level = LogLevel::INFO;
  std::string task_id;      // empty for execution-level lines
  std::string task_run_id;
  int attempt = 0;          // 1-based attempt number; 0 for execution-level lines
  std::string message;
};

struct Attempt {
  StateHistory state;
};

struct TaskRun {
  std::string id;
  std::string task_id;
  std::string parent_task_run_id;  // empty at the top level
  std::string branch;              // which branch of the parent it runs in ("tasks", "errors", ...)
  // The loop value it runs for (ForEach), inherited from its parent run; with its
  // iteration's index. The same task runs once per (parent run, value).
  std::optional<std::string> value;
  std::optional<int> iteration;
  StateHistory state;
  std::vector<Attempt> attempts;
  Value outputs = Value::object();
};

struct Execution {
  std::string id;
  std::string ns;
  std::string flow_id;
  int flow_revision = 1;
  StateHistory state;
  Value inputs = Value::object();
  std::vector<Label> labels;
  Value trigger = nullptr;  // the trigger variables, when a trigger started it
  std::vector<TaskRun> task_runs;
  std::vector<LogEntry> logs;
  Value flow_outputs = Value::object();  // the flow's `outputs`, rendered when it succeeded
  // Kestra's metadata of a retry with behavior CREATE_NEW_EXECUTION: this execution is
  // attempt `attempt_number` of the one whose id and creation date are the original ones
  // (empty and unset on a first attempt).
  int attempt_number = 1;
  std::string original_id;
  std::optional<TimePoint> original_created;
  // Kestra's scheduleDate: a CREATED execution starts then, not before.
  std::optional<TimePoint> schedule_date;

  const TaskRun* task_run(std::string_view task_run_id) const {
    for (const auto& tr : task_runs)
      if (tr.id == task_run_id) return &tr;
    return nullptr;
  }
  // The outputs of every task run, by task id (Kestra's `outputs` variable); a run with
  // a loop value nests them under the values of its loops, outermost first
  // (`outputs.task["value"]`).
  Value outputs() const;
  std::optional<Duration> duration() const;
};

// Whether the execution is terminal and ended before `cutoff` (what retention purges).
inline bool ended_before(const Execution& execution, TimePoint cutoff) {
  auto end = execution.state.end_date();
  return end && *end < cutoff;
}

}  // namespace runwatch
