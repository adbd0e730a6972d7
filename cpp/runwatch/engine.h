#pragma once
// The facade that wires the modules together: flows in, executions out. The one thing
// the Python bindings and the CLI use.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/flow/loader.h"
#include "runwatch/metrics/executor_metrics.h"
#include "runwatch/metrics/metrics.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/runtime/execution_board.h"
#include "runwatch/runtime/executor.h"
#include "runwatch/runtime/flow_registry.h"
#include "runwatch/runtime/flow_triggers.h"
#include "runwatch/runtime/scheduler.h"
#include "runwatch/server/management_server.h"
#include "runwatch/store/indexer.h"
#include "runwatch/store/repository.h"
#include "runwatch/store/repository_states.h"
#include "runwatch/tasks/registry.h"
#include "runwatch/tasks/secrets.h"
#include <map>

namespace runwatch {

struct EngineOptions {
  std::shared_ptr<Clock> clock;  // default: the system clock
  int worker_threads = 0;        // default: 4 per core, at least 8
  // Secrets given by the host; secret() also reads SECRET_<NAME> (base64) from the environment.
  std::map<std::string, std::string> secrets;
  // Environment variables with this prefix are the `envs` templates see (lower case, prefix removed).
  std::string env_vars_prefix = "KESTRA_";
  // kestra.metrics.prefix and kestra.metrics.tags, the history interval, metrics off.
  metrics::MetricsOptions metrics;
  // Where executions are recorded (store::open_repository); default: in memory.
  std::shared_ptr<store::Repository> repository;
  // Executions that ended longer ago than this are purged from it at construction.
  std::optional<Duration> retention;
};

class Engine {
 public:
  using Snapshot = std::shared_ptr<const Execution>;
  using WaitTime = std::optional<std::chrono::steady_clock::duration>;

  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Throws FlowValidationError with every problem of the text.
  std::shared_ptr<const Flow> add_flow(std::string_view yaml, std::string_view file = {});
  // Every flow file under path; all or nothing: any invalid file throws with the
  // problems of every file, and none is added.
  std::vector<std::shared_ptr<const Flow>> load_flows(const std::filesystem::path& path);
  std::shared_ptr<const Flow> flow(const std::string& ns, const std::string& id) const;
  // False when there is no such flow. Its running executions go on; its triggers stop.
  bool remove_flow(const std::string& ns, const std::string& id);
  std::vector<std::shared_ptr<const Flow>> flows() const { return flows_.all(); }

  // Starts an execution; returns once it is recorded (CREATED) in the repository.
  // Throws NotFoundError for an unknown flow, Error for a disabled one, InputError for
  // bad inputs, store::StoreError when it could not be recorded. `trigger` is what the
  // execution's templates see as `trigger` (set by triggers).
  Snapshot submit(const std::string& ns, const std::string& flow_id, const Value& inputs = Value::object(),
                  const std::vector<Label>& labels = {}, Value trigger = nullptr);
  // Once the flows are loaded: the executions a previous run left unfinished (read from
  // the repository at construction) go on, when their flow is still at the same
  // revision: one still CREATED with no task run starts; a monitoring execution (started
  // by a Flow trigger) resumes (Executor::resume); any other ends FAILED, "engine
  // restarted while running", which fires the monitoring flows that watch it. Returns
  // how many.
  size_t recover();
  store::Repository& repository() const { return *repository_; }
  // The latest snapshot once terminal, or when the wait runs out.
  Snapshot wait(const std::string& execution_id, WaitTime timeout = std::nullopt) const;
  Snapshot execution(const std::string& execution_id) const { return board_.find(execution_id); }
  std::vector<Snapshot> executions(const ExecutionFilter& filter = {}) const { return board_.list(filter); }
  // False when no such execution is running.
  bool kill(const std::string& execution_id);
  // Dry run: the Flow triggers that would fire for an execution of that flow reaching
  // that state, without running anything.
  std::vector<FlowTriggerMatch> matching_triggers(const std::string& ns, const std::string& flow_id, State state,
                                                  const std::vector<Label>& labels = {}) const;
  // True once nothing more can happen without the clock moving: no execution can go on
  // and no schedule date is due.
  bool wait_idle(WaitTime timeout = std::nullopt);
  // The executor's last changes are recorded, then the repository is closed (its file
  // released for another engine) before it returns.
  void stop() {
    scheduler_.stop();
    executor_.stop();
    indexer_.stop();
    repository_->close();
    metrics_.stop();
  }
  // The Schedule triggers of the loaded flows, their next and last dates (/scheduler).
  std::vector<ScheduledTrigger> schedules() const { return scheduler_.schedules(); }
  SchedulerStats scheduler_stats() const { return scheduler_.stats(); }
  // What the management server reads (engine_management.cc); the engine must outlive it.
  ManagementSources management_sources() const;

  const Clock& clock() const { return *clock_; }
  PluginRegistry& plugins() const { return PluginRegistry::global(); }
  // What the loader compiles templates with.
  static const TemplateChecker& templates();
  int worker_threads() const { return executor_.worker_threads(); }
  // The catalog, the exposition, snapshots, history and user metrics.
  metrics::Metrics& metrics() { return metrics_; }

 private:
  // submit() without waiting for the record: for the engine's own threads.
  Snapshot create(const std::string& ns, const std::string& flow_id, const Value& inputs,
                  const std::vector<Label>& labels, Value trigger);
  void flows_changed();
  // The executor's listener: starts the monitoring flows whose Flow triggers fire.
  void on_transition(const Execution& execution);
  void start_triggered(const FlowTriggerMatch& match, const Execution& source);

  std::shared_ptr<Clock> clock_;
  metrics::Metrics metrics_;  // before the components that record into it
  metrics::ExecutorMetrics flow_trigger_metrics_;  // used by on_transition, on the executor thread only
  SecretStore secrets_;
  FlowRegistry flows_;
  std::shared_ptr<store::Repository> repository_;
  store::Indexer indexer_;  // records what the board publishes; outlives the executor
  FlowTriggers flow_triggers_;  // its windows are recorded by the indexer
  std::vector<Snapshot> unfinished_;  // recorded by a previous run, for recover()
  store::RepositoryScheduleState schedule_state_;
  ExecutionBoard board_;
  Executor executor_;
  Scheduler scheduler_;  // after the executor: it submits executions from its own thread
};

}  // namespace runwatch
