#pragma once
// A loaded flow: plain data, validated by flow/ against the type catalog.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch {

// Where a definition stands in its source file (1-based; 0 when unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
};

struct RetryPolicy {
  enum class Kind { Constant, Exponential, Random };
  enum class Behavior { RetryFailedTask, CreateNewExecution };
  Kind kind = Kind::Constant;
  Behavior behavior = Behavior::RetryFailedTask;
  std::optional<int> max_attempt;        // total attempts, the first one included
  std::optional<Duration> max_duration;  // since the first attempt started
  Duration interval{};                   // constant; first interval of exponential
  Duration min_interval{};               // random
  Duration max_interval{};               // exponential cap, random upper bound
  double delay_factor = 2.0;             // exponential growth
  bool warning_on_retry = false;         // a success after retries ends WARNING
};

struct InputDef {
  std::string id;
  std::string type;  // STRING, INT, FLOAT, BOOLEAN, DATETIME, DATE, TIME, DURATION, JSON, ...
  bool required = true;
  std::optional<Value> defaults;
  std::string description;
  Value properties = Value::object();  // type-specific: validator, min, max, values, itemType ...
  std::string path;
  SourcePos pos;
};

struct TaskDef;

// A named list of child tasks of a flowable task: "tasks", "errors", "then", "else",
// "defaults", or "cases" with the case's key.
struct TaskBranch {
  std::string property;
  std::string key;
  std::vector<TaskDef> tasks;
};

struct TaskDef {
  std::string id;
  std::string type;  // the canonical (full Kestra) type name
  std::string description;
  Value properties = Value::object();  // the type's own properties, child task lists excluded
  std::vector<TaskBranch> branches;    // child task lists of flowable tasks
  std::vector<InputDef> inputs;        // input declarations of the type's own (Pause's onResume)
  std::optional<RetryPolicy> retry;
  std::optional<Duration> timeout;
  bool allow_failure = false;
  bool allow_warning = false;
  bool disabled = false;
  std::string run_if;     // Kestra's runIf expression; empty: always run
  std::string log_level;  // Kestra's logLevel (TRACE..ERROR); empty: no filter
  std::string path;  // property path in the flow, e.g. "tasks[1]"
  SourcePos pos;

  const TaskBranch* branch(std::string_view property, std::string_view key = {}) const {
    for (const auto& b : branches)
      if (b.property == property && b.key == key) return &b;
    return nullptr;
  }
};

struct ConditionDef {
  std::string type;  // canonical name
  std::string key;   // its name in a MultipleCondition's `conditions` map; empty in a list
  Value properties = Value::object();
  std::vector<ConditionDef> conditions;  // children of Or / Not / And
  std::string path;
  SourcePos pos;
};

struct Label {
  std::string key;
  std::string value;
  bool operator==(const Label&) const = default;
};

struct TriggerDef {
  std::string id;
  std::string type;  // canonical name
  std::string description;
  Value properties = Value::object();
  std::vector<ConditionDef> conditions;
  std::vector<Label> labels;  // added to the executions it starts
  bool disabled = false;
  std::string path;
  SourcePos pos;
};

// One of a flow's `sla`: MAX_DURATION is violated when the execution runs longer than
// `duration`, EXECUTION_ASSERTION when `assertion` renders false as it ends. A violation
// adds `labels` to the execution and fails it, cancels it, or (NONE) only says so.
struct SlaDef {
  enum class Type { MaxDuration, ExecutionAssertion };
  enum class Behavior { Fail, Cancel, None };
  std::string id;
  Type type = Type::MaxDuration;
  Behavior behavior = Behavior::Fail;
  Duration duration{};
  std::string assertion;
  std::vector<Label> labels;
};

// Kestra's flow `concurrency`: at most `limit` executions of the flow run at once (from
// RUNNING until they end, PAUSED included); what happens to one more is the behavior.
struct ConcurrencyLimit {
  enum class Behavior { Queue, Cancel, Fail };
  int limit = 1;
  Behavior behavior = Behavior::Queue;  // QUEUED until a slot frees, CANCELLED, or FAILED
};

struct Flow {
  std::string id;
  std::string ns;  // namespace
  int revision = 1;
  std::string description;
  std::vector<Label> labels;
  std::vector<InputDef> inputs;
  Value variables = Value::object();
  std::vector<TaskDef> tasks;
  std::vector<TaskDef> errors;
  std::vector<TaskDef> finally_tasks;  // `finally`: run once tasks and errors ended; the state stays theirs
  std::vector<InputDef> outputs;       // Kestra's flow outputs: each one's template in properties["value"]
  // `afterExecution`: run once the state is known (`execution.state` is it); the state stays.
  std::vector<TaskDef> after_execution;
  std::vector<SlaDef> slas;
  // The flow's `retry`: for a failed task with no retry of its own nor of a parent task.
  std::optional<RetryPolicy> retry;
  std::vector<TriggerDef> triggers;
  bool disabled = false;
  std::optional<ConcurrencyLimit> concurrency;
  std::string source_file;  // empty for flows given as text
  std::string source;       // the YAML text it was loaded from

  std::string key() const { return ns + "." + id; }
};

// Calls fn(task) for every task of the flow, depth first, children included.
template <typename Fn>
void for_each_task(const std::vector<TaskDef>& tasks, Fn&& fn) {
  for (const auto& t : tasks) {
    fn(t);
    for (const auto& b : t.branches) for_each_task(b.tasks, fn);
  }
}
template <typename Fn>
void for_each_task(const Flow& flow, Fn&& fn) {
  for_each_task(flow.tasks, fn);
  for_each_task(flow.errors, fn);
  for_each_task(flow.finally_tasks, fn);
  for_each_task(flow.after_execution, fn);
}

}  // namespace runwatch
