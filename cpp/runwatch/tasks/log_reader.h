#pragma once
// Read access to executions' log lines, for tasks that fetch them (log Fetch). Tasks see
// only this interface; the engine gives its workers an implementation over the
// executions it holds (runtime/execution_logs.h).
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/model/execution.h"

namespace runwatch {

struct LogQuery {
  std::string execution_id;
  // Only these tasks' lines, grouped in this order (a task named twice counts once);
  // nullopt: every line, the execution's own included.
  std::optional<std::vector<std::string>> task_ids;
  LogLevel min_level = LogLevel::TRACE;
  // Only among the first lines the execution wrote (RunContext::read_logs sets it for a
  // task reading its own execution).
  size_t first_lines = std::numeric_limits<size_t>::max();
  size_t limit = std::numeric_limits<size_t>::max();  // at most this many lines selected
};

struct LogSelection {
  std::shared_ptr<const Execution> execution;  // the snapshot the lines are in
  // Into execution->logs: by task when the query names tasks, then by timestamp (ties in
  // the order written); at most the query's limit.
  std::vector<const LogEntry*> lines;
  size_t matched = 0;  // every line that matched, those past the limit included
};

class LogReader {
 public:
  virtual ~LogReader() = default;
  // Nullopt when no execution has that id.
  virtual std::optional<LogSelection> read(const LogQuery& query) const = 0;
};

}  // namespace runwatch
