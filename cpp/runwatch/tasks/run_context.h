#pragma once
// What a running task sees of the world: who it is, its rendered properties, a logger,
// the clock, and the cancellation signal of a kill or a timeout.
#include <memory>
#include <string>
#include <vector>

#include "runwatch/model/cancellation.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/value.h"

namespace runwatch {

struct TaskIdentity {
  std::string execution_id;
  std::string ns;
  std::string flow_id;
  int flow_revision = 1;
  std::string task_id;
  std::string task_type;
  std::string task_run_id;
  int attempt = 1;
};

class RunContext {
 public:
  RunContext(TaskIdentity identity, Value variables, const Clock& clock,
             std::shared_ptr<Cancellation> cancellation);

  const TaskIdentity& identity() const { return identity_; }
  // The variables templates see (flow, execution, inputs, outputs, labels, vars, ...).
  const Value& variables() const { return variables_; }

  // The one place every string property is rendered: strings inside value are
  // rendered, everything else is copied as it is.
  Value render(const Value& value) const;
  std::string render(const std::string& text) const;

  void log(LogLevel level, std::string message);
  const std::vector<LogEntry>& logs() const { return logs_; }
  std::vector<LogEntry> take_logs() { return std::move(logs_); }

  const Clock& clock() const { return clock_; }
  Cancellation& cancellation() { return *cancellation_; }
  bool cancelled() const { return cancellation_->cancelled(); }
  // Sleeps on the engine's clock; false when the task was cancelled first.
  bool sleep_for(Duration d);

 private:
  TaskIdentity identity_;
  Value variables_;
  const Clock& clock_;
  std::shared_ptr<Cancellation> cancellation_;
  std::vector<LogEntry> logs_;
};

}  // namespace runwatch
