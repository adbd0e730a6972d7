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
#include "runwatch/tasks/registry.h"
#include "runwatch/tasks/secrets.h"

namespace runwatch {

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
  struct ShutdownMessage {};
  using Message = std::variant<StartMessage, WorkerResult, KillMessage, EndMessage, ResumeMessage, ShutdownMessage>;

  struct Timer {
    enum class Kind { Retry, Timeout } kind;
    std::string execution_id;
    std::string task_run_id;
    size_t attempt;  // 1-based attempt the timer belongs to
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

  // Execution progress.
  void advance(Live& live);
  std::optional<State> walk(Live& live, const std::vector<TaskDef>& tasks, const std::string& parent_id,
                            const std::string& branch, bool parallel, int concurrent);
  TaskRun& create_task_run(Live& live, const TaskDef& task, const std::string& parent_id, const std::string& branch);
  void resolve_flowable(Live& live, const TaskDef& task, TaskRun& run);
  bool should_run(Live& live, const TaskDef& task, const TaskRun& run);
  void choose_branch(Live& live, const TaskDef& task, TaskRun& run);
  // A task run that fails before it runs (its runIf, If condition or Switch value).
  void fail_unstarted(Live& live, const TaskDef& task, TaskRun& run, const std::string& reason);
  void dispatch_attempt(Live& live, const TaskDef& task, TaskRun& run);
  // Retries after retry_in when the task asked for it (RetryLater), else by the task's retry policy.
  void attempt_failed(Live& live, const TaskDef& task, TaskRun& run, std::optional<Duration> retry_in);
  void complete(Live& live, const TaskDef& task, TaskRun& run, State state);
  void finish(Live& live, State state);
  void transition(Live& live, State state);
  // Flow concurrency: whether the execution may run now (it then holds a slot of its
  // flow's); otherwise it is QUEUED, CANCELLED or FAILED, as the flow's behavior says.
  bool admit(Live& live);
  // Gives back the slot of an execution that ended, and starts the queued ones it frees.
  void release_slot(Live& live);
  // RUNNING, then its first tasks.
  void start_running(Live& live);
  Value variables(const Live& live, const TaskDef& task, const TaskRun& run) const;
  // Renders an expression the executor itself needs (If, Switch, runIf).
  Value render(Live& live, const TaskDef& task, const TaskRun& run, const Value& value);
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
  metrics::ExecutorMetrics metrics_;
  KvStore* kv_store_;  // kv() in the templates the executor renders (runIf, If, Switch)

  std::shared_ptr<spdlog::logger> log_ = logger(kExecutorLogger);
  WorkerPool workers_;
  std::thread thread_;
};

}  // namespace runwatch
