#pragma once
// A task type: its schema (name, aliases, properties) and, for runnable tasks, what it
// does on a worker. Flowable tasks (flowable.h) decide their children instead.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"
#include "runwatch/model/state.h"
#include "runwatch/tasks/run_context.h"

namespace runwatch {

struct TaskResult {
  State state = State::SUCCESS;  // SUCCESS, WARNING or FAILED
  Value outputs = Value::object();
  std::string error;  // why it failed, when it did
  std::vector<Label> labels;  // labels to set on the execution (Labels task)
  std::optional<Duration> retry_in;  // FAILED, to be attempted again after this wait (RetryLater)
};

// Thrown by a task to fail with a message (any std::exception fails the task too).
class TaskFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by a task whose attempt failed in a way a later attempt may get past (a webhook
// answered 503): the executor makes the next attempt after `wait`, and no worker thread
// is held while it waits.
class RetryLater : public TaskFailure {
 public:
  RetryLater(const std::string& message, Duration wait) : TaskFailure(message), wait_(wait) {}
  Duration wait() const { return wait_; }

 private:
  Duration wait_;
};

class TaskType {
 public:
  explicit TaskType(TypeSchema schema) : schema_(std::move(schema)) { schema_.kind = PluginKind::Task; }
  virtual ~TaskType() = default;

  const TypeSchema& schema() const { return schema_; }
  const std::string& name() const { return schema_.name; }
  virtual bool flowable() const { return false; }
  // Runs on a worker thread with the task's rendered properties (defaults filled in).
  virtual TaskResult run(RunContext& ctx, const Value& properties) const = 0;

 private:
  TypeSchema schema_;
};

}  // namespace runwatch
