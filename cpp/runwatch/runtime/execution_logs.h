#pragma once
// The LogReader the engine gives its workers: log lines are kept in their execution's
// document, so a query reads the execution (the board's snapshot, or the repository's
// once it left the board) and selects among its lines.
#include "runwatch/tasks/log_reader.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

class ExecutionLogReader final : public LogReader {
 public:
  // The executions must outlive the reader's use.
  explicit ExecutionLogReader(const ExecutionReader& executions) : executions_(executions) {}
  std::optional<LogSelection> read(const LogQuery& query) const override;

 private:
  const ExecutionReader& executions_;
};

// The lines of `execution` that the query selects (its id aside).
LogSelection select_logs(std::shared_ptr<const Execution> execution, const LogQuery& query);

}  // namespace runwatch
