#pragma once
// Flowable tasks (Kestra's FlowableTask): types that run no code of their own but decide
// which child task runs come next and what their own state is. The executor offers each
// one a FlowableContext and never names a type: Sequential, Parallel, If, Switch,
// AllowFailure, ForEach, EachSequential, EachParallel and Dag are all written against it.
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "runwatch/model/execution.h"
#include "runwatch/model/flow.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/tasks/run_context.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

// How a group of child tasks runs under a flowable task's run.
struct ChildGroup {
  std::string_view branch = "tasks";  // the branch the child runs are recorded in
  // The loop value and iteration index of the child runs (ForEach); no value: the parent
  // run's is inherited, as Kestra's children inherit it. An iteration alone (WaitFor)
  // runs the same tasks again under a new index.
  std::optional<std::string> value = {};
  std::optional<int> iteration = {};
  bool parallel = false;
  int concurrent = 0;  // with parallel: at most this many children running at once; 0: all
};

// Combines the states of children (or groups of them) as Kestra does: while any is
// unfinished, none; then KILLED, FAILED, CANCELLED, WARNING, else SUCCESS.
class ChildStates {
 public:
  void add(std::optional<State> state) {
    if (!state || !is_terminal(*state)) {
      ++active_;
      return;
    }
    killed_ = killed_ || *state == State::KILLED;
    failed_ = failed_ || *state == State::FAILED;
    cancelled_ = cancelled_ || *state == State::CANCELLED;
    warning_ = warning_ || *state == State::WARNING;
  }
  int active() const { return active_; }
  // No further child starts once one failed, was killed or cancelled.
  bool stopped() const { return killed_ || failed_ || cancelled_; }
  std::optional<State> state() const {
    if (active_ > 0) return std::nullopt;
    if (killed_) return State::KILLED;
    if (failed_) return State::FAILED;
    if (cancelled_) return State::CANCELLED;
    return warning_ ? State::WARNING : State::SUCCESS;
  }

 private:
  int active_ = 0;
  bool killed_ = false, failed_ = false, cancelled_ = false, warning_ = false;
};

// An execution a Subflow (or a ForEachItem) starts.
struct SubflowRequest {
  std::string ns;
  std::string flow_id;
  Value inputs = Value::object();
  std::vector<Label> labels;
  bool inherit_labels = false;             // the starting execution's labels first
  std::optional<int> revision;             // the flow's latest when unset
  std::optional<TimePoint> schedule_date;  // it stays CREATED until then
};

// Kestra's truthiness (If, runIf, WaitFor): false, 0, null, the empty string, "false",
// "0" and "null" are false, anything else true.
bool truthy(const Value& v);

class FlowableContext {
 public:
  virtual ~FlowableContext() = default;
  virtual const TaskDef& task() const = 0;
  virtual const TaskRun& run() const = 0;
  virtual Value& outputs() = 0;
  // Renders with the run's variables (taskrun.value included), each top-level variable of
  // `overrides` (an object) in place of the run's. Throws on a render error.
  virtual Value render(const Value& value, const Value& overrides = Value::object()) = 0;
  // What the type decided when its run started (If's branch, ForEach's values): kept while
  // the execution is live, decided again by `start` after a restart.
  virtual Value& decided() = 0;
  // Creates the children that may start now and advances those that run. Sequentially,
  // a child starts once the one before it succeeded; in parallel, every child starts
  // (within `concurrent`) unless one has failed. Returns the group's state once every
  // child that will run has ended (FAILED or KILLED first, then WARNING, else SUCCESS),
  // nullopt while some still run.
  virtual std::optional<State> run_children(std::span<const TaskDef> tasks, const ChildGroup& group) = 0;
  // Whether any of the tasks has a run in the group (an iteration has begun).
  virtual bool started(std::span<const TaskDef> tasks, const ChildGroup& group) const = 0;
  // The outputs of the run of `task_id` beside this one (same parent, same loop value);
  // null when it has none.
  virtual const Value* sibling_outputs(std::string_view task_id) const = 0;
  // The state of a task's run in the group; nullopt when it has none yet.
  virtual std::optional<State> state_of(const TaskDef& task, const ChildGroup& group) const = 0;

  virtual TimePoint now() const = 0;
  // The run goes PAUSED (its execution with it) until it is resumed (the execution's
  // resume, which puts it back to RUNNING) or, when `wake` is given, until then: resolve
  // is called again at that time, whatever happened meanwhile.
  virtual void pause(std::optional<TimePoint> wake) = 0;
  // Resolve is called again at `when`.
  virtual void wake_at(TimePoint when) = 0;
  // A PAUSED run is RUNNING again (its execution too, once no other run is paused).
  virtual void unpause() = 0;

  // Creates and starts an execution of another flow whose `trigger` names this run;
  // returns its id. Throws when it cannot start (no such flow, inputs refused).
  virtual std::string start_subflow(const SubflowRequest& request) = 0;
  // An execution as it is now (valid until resolve returns); null when unknown.
  virtual const Execution* execution(const std::string& id) = 0;
  // Resolve is called again when that execution ends.
  virtual void wait_for_execution(const std::string& id) = 0;
  // The executions this run waited for that ended since its last resolve, each once;
  // nullopt when it has waited for none in this process (it has just started them, or the
  // engine restarted): then it reads them all.
  virtual std::optional<std::vector<std::string>> ended_executions() = 0;
  // A directory of this run's own, made on first call and removed when the execution
  // ends; the tasks under this run work in it (RunContext::working_directory).
  virtual std::filesystem::path working_directory() = 0;
  // The internal storage, and who this run is in it (its output files go under it).
  virtual const storage::LocalStorage& storage() const = 0;
  virtual TaskIdentity identity() const = 0;
  virtual void log(LogLevel level, const std::string& message) = 0;
  // Resumes a PAUSED execution with its Pause tasks' onResume inputs. Throws when it is
  // unknown or not paused, or when the inputs are refused.
  virtual void resume_execution(const std::string& id, const Value& inputs) = 0;
};

// A Subflow's `labels`: a mapping, or Kestra's list of {key, value}; TaskFailure otherwise.
std::vector<Label> labels_of(const Value& given);
// The task's property rendered: as a boolean that may be a template, or as text.
bool rendered_flag(FlowableContext& ctx, const char* property, bool fallback);
std::string rendered_text(FlowableContext& ctx, const char* property);

// What a Subflow and a ForEachItem say of the executions they start: namespace, flowId,
// revision, inputs, labels, inheritLabels and scheduleDate (`each`: of each execution).
std::vector<PropertySpec> started_execution_properties(bool each);
// Those properties rendered into a request, the inputs with `variables` added (a batch's).
SubflowRequest subflow_request(FlowableContext& ctx, const Value& variables = Value::object());

// The tasks of a branch of the task (none when it has no such branch).
std::span<const TaskDef> branch_tasks(const TaskDef& task, std::string_view property, std::string_view key = {});
// A property holding a list of tasks.
PropertySpec tasks_property(std::string name, bool required, std::string description);
// io.kestra.plugin.core.flow.<short_name> (and its io.kestra.core.tasks.flows alias) with
// `properties` and an `errors` branch.
TypeSchema flowable_schema(std::string short_name, std::string description, std::vector<PropertySpec> properties);

class FlowableTaskType : public TaskType {
 public:
  explicit FlowableTaskType(TypeSchema schema) : TaskType(marked_flowable(std::move(schema))) {}
  bool flowable() const final { return true; }
  TaskResult run(RunContext&, const Value&) const final {
    throw std::logic_error("flowable tasks are run by the executor");
  }
  // When its run is created, and again for an unfinished run after a restart: what is
  // decided once (into ctx.decided()). A throw fails the run with its message.
  virtual void start(FlowableContext&) const {}
  // Advances the children; the state they ended in, nullopt while some still run. The
  // executor then runs the task's `errors` branch when that state is FAILED. A throw
  // fails the run with its message.
  virtual std::optional<State> resolve(FlowableContext& ctx) const = 0;
  // The task's own state, from its children's.
  virtual State end_state(State children) const { return children; }

 private:
  static TypeSchema marked_flowable(TypeSchema schema) {
    schema.flowable = true;
    return schema;
  }
};

}  // namespace runwatch
