#pragma once
// The executor: one thread, the only writer of execution state. It turns a flow and its
// task runs into the next steps (worker jobs, flowable resolution, retries, timeouts,
// errors branches), and publishes a snapshot of every execution it changes.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <variant>

#include "runwatch/crypto/secret_cipher.h"
#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/executor_metrics.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/runtime/execution_board.h"
#include "runwatch/runtime/worker_pool.h"
#include "runwatch/tasks/flowable.h"
#include "runwatch/tasks/registry.h"
#include "runwatch/tasks/secrets.h"

namespace runwatch {

// How the executor starts a Subflow's execution: the engine creates, records and starts it.
class ExecutionLauncher {
 public:
  virtual ~ExecutionLauncher() = default;
  // The new execution's id. Throws Error when it cannot start (no such flow or revision,
  // inputs refused). `request.labels` are all of its labels.
  virtual std::string launch(const SubflowRequest& request, Value trigger) = 0;
  // Resumes a PAUSED execution (Engine::resume). Throws Error when it cannot.
  virtual void resume(const std::string& execution_id, const Value& inputs) = 0;
};

class Executor {
 public:
  // Called on the executor thread each time an execution changes state (RUNNING,
  // KILLING, terminal): what Flow triggers listen to. It must not block.
  using TransitionListener = std::function<void(const Execution&)>;

  // `globals` are variables every template sees beside the execution's own (`envs`,
  // `kestra`), an object; `secret_inputs` decrypts SECRET inputs for
  // the task runs (null: there is no key, and no execution holds an encrypted input).
  Executor(const Clock& clock, const PluginRegistry& plugins, const SecretStore& secrets,
           const crypto::SecretCipher* secret_inputs, Value globals, ExecutionBoard& board, WorkerSettings workers,
           TransitionListener on_transition = nullptr, const metrics::Catalog* metrics = nullptr);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Takes a CREATED execution of flow (already published to the board) and runs it.
  void start(std::shared_ptr<const Flow> flow, Execution execution);
  // Ends an execution recorded before a restart FAILED, with `reason` as its error log
  // line, its unfinished task runs FAILED too; the transition listener sees it as any
  // other failure. `flow` may be null (a flow no longer loaded).
  void end(std::shared_ptr<const Flow> flow, Execution execution, std::string reason);
  // Resumes an execution recorded before a restart, as recorded: each unfinished
  // attempt ends FAILED and its task run starts a new attempt (same task run, so a
  // notification keeps its Idempotency-Key); If and Switch choose their branch again.
  void resume(std::shared_ptr<const Flow> flow, Execution execution);
  // Stops the execution's running tasks and ends it KILLED. False if it is not running.
  void kill(const std::string& execution_id);
  // Puts the PAUSED task runs named back to RUNNING, each with its outputs added (Pause's
  // `onResume`); nothing when the execution is not PAUSED any more.
  void resume_paused(const std::string& execution_id, std::map<std::string, Value> outputs_by_run);
  // Who starts Subflows' executions; set once, before any execution starts.
  void set_launcher(ExecutionLauncher* launcher) { launcher_ = launcher; }
  // True once nothing can happen without the clock moving (see docs/ARCHITECTURE.md).
  bool wait_idle(std::optional<std::chrono::steady_clock::duration> timeout);
  // Cancels every running task, then stops the executor thread and the workers.
  void stop();
  bool stopped() const;
  int worker_threads() const { return workers_.thread_count(); }
  const WorkerPool& workers() const { return workers_; }

  // For /health: a running executor with messages waiting and no batch begun for a long
  // time is stalled.
  struct Heartbeat {
    bool running = false;
    size_t backlog = 0;  // messages waiting
    std::chrono::steady_clock::time_point last_batch;
  };
  Heartbeat heartbeat() const;

 private:
  struct StartMessage {
    std::shared_ptr<const Flow> flow;
    Execution execution;
  };
  struct KillMessage {
    std::string execution_id;
  };
  struct EndMessage {
    std::shared_ptr<const Flow> flow;
    Execution execution;
    std::string reason;
  };
  struct ResumeMessage {
    std::shared_ptr<const Flow> flow;
    Execution execution;
  };
  struct ResumePausedMessage {
    std::string execution_id;
    std::map<std::string, Value> outputs_by_run;
  };
  struct ShutdownMessage {};
  using Message = std::variant<StartMessage, WorkerResult, KillMessage, EndMessage, ResumeMessage, ResumePausedMessage,
                               ShutdownMessage>;

  struct Timer {
    // Wake: a flowable run resolves again; Sla: a MAX_DURATION SLA's deadline.
    // Start: a CREATED execution's scheduleDate.
    enum class Kind { Retry, Timeout, Wake, Sla, Start } kind;
    std::string execution_id;
    std::string task_run_id;  // empty for Sla
    size_t attempt;           // 1-based attempt the timer belongs to; for Sla, the SLA's index
  };

  using TimerKey = std::pair<TimePoint, uint64_t>;
  struct Live;
  // The executions of a flow with a concurrency limit: how many hold a slot, and those
  // QUEUED for one, oldest first.
  struct FlowSlots {
    int running = 0;
    std::deque<std::string> queued;
  };

  void post(Message message);
  void loop();
  void handle(StartMessage& m);
  void handle(WorkerResult& m);
  void handle(KillMessage& m);
  void handle(EndMessage& m);
  void handle(ResumeMessage& m);
  void handle(ResumePausedMessage& m);
  // Takes over an execution: indexes its flow's tasks and its task runs.
  Live& adopt(std::shared_ptr<const Flow> flow, Execution execution);
  // Ends every unfinished task run (and its running attempt) in `state`.
  void end_task_runs(Live& live, State state);
  void handle(ShutdownMessage& m);
  void schedule(Live& live, TimePoint deadline, Timer timer);
  void cancel_timers(Live& live);
  void fire_due_timers();
  void fire(const Timer& timer);
  void mark_dirty(Live& live);
  // Publishes the executions changed since the last call, and forgets finished ones.
  void publish_dirty();
  bool idle_locked(int parked_sleepers) const;

  // Execution progress. A group of task runs: children of one parent run (empty: the
  // flow's), in one branch, for one loop value.
  struct Group {
    std::string parent_id;
    std::string_view branch;
    std::optional<std::string> value;
    std::optional<int> iteration;
  };
  class Children;  // what a flowable type sees (FlowableContext)
  void advance(Live& live);
  std::optional<State> walk(Live& live, std::span<const TaskDef> tasks, const Group& group, bool parallel,
                            int concurrent);
  // Its index in the execution's task runs.
  size_t create_task_run(Live& live, const TaskDef& task, const Group& group);
  void resolve_flowable(Live& live, const TaskDef& task, const std::string& run_id);
  bool should_run(Live& live, const TaskDef& task, const TaskRun& run);
  // A flowable run's decision made once (If's branch, ForEach's values).
  void start_flowable(Live& live, const TaskDef& task, const std::string& run_id);
  // A task run that fails before it runs (its runIf, If condition or Switch value).
  void fail_unstarted(Live& live, const TaskDef& task, TaskRun& run, const std::string& reason);
  void dispatch_attempt(Live& live, const TaskDef& task, TaskRun& run);
  // The directory of the run's nearest ancestor that shares one (WorkingDirectory); empty: none.
  static std::string shared_directory(Live& live, const TaskRun& run);
  // Where the execution's shared directories are (under the system's temporary directory),
  // the same after a restart.
  static std::filesystem::path work_directory_of(const std::string& execution_id);
  // Retries after retry_in when the task asked for it (RetryLater), else by retry_policy.
  void attempt_failed(Live& live, const TaskDef& task, TaskRun& run, std::optional<Duration> retry_in);
  // The retry of a failed run, Kestra's order: the task's own, else its nearest parent
  // task's, else the flow's; null when there is none.
  const RetryPolicy* retry_policy(Live& live, const TaskDef& task, const TaskRun& run) const;
  // Behavior CREATE_NEW_EXECUTION: the run, its parents and the execution end RETRIED; the
  // next attempt is a new execution of the same revision and inputs, started at `when`.
  void retry_as_new_execution(Live& live, TaskRun& run, TimePoint when);
  void complete(Live& live, const TaskDef& task, TaskRun& run, State state);
  // A run that pauses (the execution PAUSED with it), and one that goes on after a pause
  // (the execution RUNNING again once no run is paused).
  void pause(Live& live, TaskRun& run);
  void unpause(Live& live, TaskRun& run, State state);
  void wake_at(Live& live, const std::string& run_id, TimePoint when);
  void finish(Live& live, State state);
  // Cancels the running attempts (telling them `reason`), ends the unfinished task runs in
  // `runs_state` and the execution in `state`.
  void stop_execution(Live& live, State runs_state, State state, const std::string& reason);
  void schedule_slas(Live& live);
  // An SLA violated: its labels, an ERROR line saying why, and its behavior's end state
  // (none for NONE).
  std::optional<State> violate(Live& live, const SlaDef& sla, const std::string& why);
  void transition(Live& live, State state);
  // Flow concurrency: whether the execution may run now (it then holds a slot of its
  // flow's); otherwise it is QUEUED, CANCELLED or FAILED, as the flow's behavior says.
  bool admit(Live& live);
  // Gives back the slot of an execution that ended, and starts the queued ones it frees.
  void release_slot(Live& live);
  // A CREATED execution: at its scheduleDate if that is ahead, then admitted and running.
  void begin(Live& live);
  // RUNNING, then its first tasks.
  void start_running(Live& live);
  // What every template of the execution sees; a task's adds its own (task, taskrun, parents).
  Value execution_variables(const Live& live) const;
  Value variables(const Live& live, const TaskDef& task, const TaskRun& run) const;
  // Kestra's flow outputs, rendered once the tasks succeeded; false (the execution then
  // fails, saying why) when one cannot be.
  bool render_flow_outputs(Live& live);
  // The state the execution ends in once its tasks, errors and finally ended in `state`:
  // its flow outputs rendered and its EXECUTION_ASSERTION SLAs checked.
  State end_state(Live& live, State state);
  static Value parents(const Live& live, const TaskRun& run);
  std::shared_ptr<const FlowableTaskType> flowable_type(const TaskDef& task) const;
  // Renders an expression the executor itself needs (runIf, a flowable's properties).
  Value render(Live& live, const TaskDef& task, const TaskRun& run, const Value& value);
  Value render_with(Live& live, Value variables, const Value& value);
  void reveal(Live& live, const std::vector<std::string>& secrets);
  // True when the execution's SECRET inputs could not be decrypted: it then ended FAILED, saying why.
  bool inputs_unreadable(Live& live);
  static Value error_logs(const Execution& execution);
  void log(Live& live, LogLevel level, std::string message, const TaskRun* run = nullptr);

  const Clock& clock_;
  const PluginRegistry& plugins_;
  const SecretStore& secrets_;
  const crypto::SecretCipher* secret_inputs_;
  const Value globals_;
  ExecutionBoard& board_;
  TransitionListener on_transition_;

  // Guarded by mutex_: the inbox and what wait_idle looks at.
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;
  std::deque<Message> inbox_;
  bool processing_ = false;
  bool stopped_ = false;
  std::optional<TimePoint> next_deadline_;
  std::chrono::steady_clock::time_point last_batch_ = std::chrono::steady_clock::now();

  // Executor thread only.
  std::unordered_map<std::string, std::unique_ptr<Live>> live_;
  std::unordered_map<std::string, FlowSlots> slots_;  // by flow key (namespace.id)
  std::map<TimerKey, Timer> timers_;
  uint64_t next_timer_seq_ = 0;
  std::atomic<int> jobs_in_flight_{0};
  std::vector<Live*> dirty_;  // changed since the last publish_dirty, each once
  std::vector<WorkerJob> ready_jobs_;  // submitted to the workers once the round is published
  ExecutionLauncher* launcher_ = nullptr;
  // A Subflow's execution -> (its parent's execution, the Subflow's task run), while the parent waits.
  std::unordered_map<std::string, std::pair<std::string, std::string>> waiting_parents_;
  std::vector<std::string> parents_to_advance_;  // their child ended: advanced after the round's messages
  metrics::ExecutorMetrics metrics_;
  KvStore* kv_store_;  // kv() in the templates the executor renders (runIf, If, Switch)
  const storage::LocalStorage* storage_;  // and read()

  std::shared_ptr<spdlog::logger> log_ = logger(kExecutorLogger);
  WorkerPool workers_;
  std::thread thread_;
};

}  // namespace runwatch
