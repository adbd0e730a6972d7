#pragma once
// The facade that wires the modules together: flows in, executions out. The one thing
// the Python bindings and the CLI use.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/crypto/secret_cipher.h"
#include "runwatch/file_inputs.h"
#include "runwatch/flow/loader.h"
#include "runwatch/metrics/executor_metrics.h"
#include "runwatch/metrics/metrics.h"
#include "runwatch/model/alert_event.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/execution.h"
#include "runwatch/model/periodic_job.h"
#include "runwatch/model/rate_limiter.h"
#include "runwatch/repository_adapters.h"
#include "runwatch/runtime/alert_monitor.h"
#include "runwatch/runtime/execution_board.h"
#include "runwatch/runtime/execution_logs.h"
#include "runwatch/runtime/executor.h"
#include "runwatch/runtime/flow_registry.h"
#include "runwatch/runtime/flow_triggers.h"
#include "runwatch/runtime/scheduler.h"
#include "runwatch/server/management_server.h"
#include "runwatch/storage/local_storage.h"
#include "runwatch/store/indexer.h"
#include "runwatch/store/repository.h"
#include "runwatch/tasks/registry.h"
#include "runwatch/tasks/secrets.h"

namespace runwatch {

// Kestra's execution search: filters, start dates (inclusive), a page of a size.
struct ExecutionSearch {
  ExecutionFilter filter;
  std::optional<TimePoint> started_from;
  std::optional<TimePoint> started_to;
  size_t page = 1;  // 1-based
  size_t size = 10;
};

// The alert history's filters (each optional) and page; without `size`, every entry
// oldest first.
struct AlertHistorySearch {
  std::optional<std::string> ns;  // the flow the entry is about
  std::optional<std::string> flow_id;
  std::optional<std::string> alert;   // the notifying flow, namespace.flowId
  std::optional<std::string> status;  // fired, grouped, repeated, resolved, suppressed, delivered, failed
  std::optional<TimePoint> from;      // date >= this
  std::optional<TimePoint> to;        // date <= this
  size_t page = 1;                    // 1-based
  std::optional<size_t> size;
};

struct EngineOptions {
  std::shared_ptr<Clock> clock;  // default: the system clock
  int worker_threads = 0;        // default: 4 per core, at least 8
  // runwatch.template.render-timeout: how long rendering one task's properties may take.
  std::chrono::steady_clock::duration render_timeout = kDefaultRenderTimeout;
  // runwatch.tasks.cache-directory: where tasks keep what they reuse (Python virtualenvs);
  // empty: ~/.cache/runwatch.
  std::string task_cache_directory;
  // Secrets given by the host; secret() also reads SECRET_<NAME> (base64) from the environment.
  std::map<std::string, std::string> secrets;
  // kestra.encryption.secret-key (Base64 of an AES key, at least 32 characters): SECRET
  // inputs are encrypted with it at rest (AES-GCM, as Kestra). Without it, an engine on
  // the memory repository encrypts them with a random key that never leaves the process,
  // unless secret_inputs_need_key; any other engine refuses a SECRET input.
  std::optional<std::string> encryption_secret_key;
  bool secret_inputs_need_key = false;  // runwatch server: without a key, as Kestra, refuse them
  // Environment variables with this prefix are the `envs` templates see (lower case, prefix removed).
  std::string env_vars_prefix = "KESTRA_";
  // kestra.url and kestra.environment.name: what templates see as `kestra.url` and
  // `kestra.environment`, and where notifications link executions to.
  std::optional<std::string> kestra_url;
  std::optional<std::string> environment;
  // kestra.metrics.prefix and kestra.metrics.tags, the history interval, metrics off.
  metrics::MetricsOptions metrics;
  // Where executions are recorded (store::open_repository); default: in memory.
  std::shared_ptr<store::Repository> repository;
  // Ended executions kept in RAM once recorded (the most recently used); the others
  // are read from the repository when asked for.
  size_t ended_executions_cached = kEndedExecutionsCached;
  // kestra.storage.local.base-path: the internal storage's folder (created when missing);
  // unset: a new temporary folder, removed with the engine.
  std::optional<std::filesystem::path> storage_path;
  // Executions that ended longer ago than this (with their task runs and logs) are
  // purged from the repository and the engine at construction, then every
  // kRetentionPurgeInterval of the engine's clock.
  std::optional<Duration> retention;
  // kestra.alerts.silence-retention: how long expired silences are kept.
  Duration silence_retention = std::chrono::hours(24 * 5);
  // kestra.alerts.rate-limit: at most this many notifications to one receiver per period
  // (runwatch's own key); off by default.
  RateLimit notification_rate_limit;
  // kestra.server.workerTaskRestartStrategy other than NEVER: a task attempt a crash
  // interrupted runs again at start-up (side effects at least once) instead of failing.
  bool restart_interrupted_tasks = false;
  // Flow files (a file or a folder) loaded at construction, after the flows the
  // repository holds: a file whose flow changed becomes its next revision.
  std::optional<std::filesystem::path> flows;
  // logger.levels: each named logger's level (process-wide), set before anything is logged.
  std::map<std::string, std::string> logger_levels;
  // kestra.plugins.defaults (and kestra.tasks.defaults after them): a list of {type,
  // forced, values} applied to every flow after its own pluginDefaults.
  Value plugin_defaults = Value::array();
};

inline constexpr Duration kRetentionPurgeInterval = std::chrono::hours(1);

class Engine : private ExecutionLauncher {
 public:
  using Snapshot = std::shared_ptr<const Execution>;
  using WaitTime = std::optional<std::chrono::steady_clock::duration>;

  // Starts with the flows the repository holds (their latest revisions) and the
  // executions it recorded, then loads options.flows, then recovers the executions a
  // previous run left unfinished: one still CREATED with no task run starts; a
  // monitoring execution (started by a Flow trigger) resumes (Executor::resume); any
  // other ends FAILED, "engine restarted while running", which fires the monitoring
  // flows that watch it. Each goes on with the flow revision it started with.
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds the flow, or replaces the one of the same namespace and id; a changed source
  // is recorded in the repository as the flow's next revision before it is used.
  // Throws FlowValidationError with every problem of the text, store::StoreError when
  // the revision could not be recorded (the flow is then unchanged).
  std::shared_ptr<const Flow> add_flow(std::string_view yaml, std::string_view file = {});
  // The flow as add_flow would load it (the server's plugin defaults applied), with every
  // issue; nothing is added.
  FlowLoadResult check_flow(std::string_view yaml, std::string_view file = {}) const;
  // Every flow file under path, as add_flow and in one transaction; all or nothing: any
  // invalid file (or two files of the same flow) throws with the problems of every
  // file, and none is added.
  std::vector<std::shared_ptr<const Flow>> load_flows(const std::filesystem::path& path);
  std::shared_ptr<const Flow> flow(const std::string& ns, const std::string& id) const;
  // False when there is no such flow. As in Kestra, the deletion is recorded as the
  // flow's next revision. Its running executions go on; its triggers stop.
  bool remove_flow(const std::string& ns, const std::string& id);
  std::vector<std::shared_ptr<const Flow>> flows() const { return flows_.all(); }

  // Starts an execution once it is recorded (CREATED) in the repository, and returns.
  // Throws NotFoundError for an unknown flow, Error for a disabled one, InputError for
  // bad inputs, store::StoreError when it could not be recorded: then it never starts
  // (it is recorded FAILED, never started, if the store recovers). `trigger` is what the
  // execution's templates see as `trigger` (set by triggers).
  // FILE inputs' contents are `files` (see file_inputs.h), stored under the execution.
  Snapshot submit(const std::string& ns, const std::string& flow_id, const Value& inputs = Value::object(),
                  const std::vector<Label>& labels = {}, Value trigger = nullptr, FileInputs files = {});
  // How many executions left unfinished by a previous run the construction recovered.
  size_t recovered() const { return recovered_; }
  store::Repository& repository() const { return *repository_; }
  // The latest snapshot once terminal, or when the wait runs out.
  Snapshot wait(const std::string& execution_id, WaitTime timeout = std::nullopt) const;
  // Live executions come from RAM, ended ones from the repository (recently used ones
  // are cached), each in its latest state.
  Snapshot execution(const std::string& execution_id) const { return board_.find(execution_id); }
  // Oldest first.
  std::vector<Snapshot> executions(const ExecutionFilter& filter = {}) const { return board_.list(filter); }
  struct ExecutionPage {
    std::vector<Snapshot> results;  // newest first
    size_t total = 0;               // how many match, over every page
  };
  // One page, read from the repository (what it has recorded), each in its latest state.
  ExecutionPage search_executions(const ExecutionSearch& search) const;
  struct AlertHistoryPage {
    std::vector<AlertEvent> results;  // newest first when paged
    size_t total = 0;
  };
  // The alert history the repository recorded (beyond Kestra): the alerting triggers'
  // decisions and every notification's delivery; kept as long as the executions are.
  AlertHistoryPage alert_history(const AlertHistorySearch& search) const;
  // Returns once everything published so far is recorded in the repository; throws
  // store::StoreError when it could not be.
  void wait_recorded() { indexer_.wait_recorded(indexer_.last_ticket()); }
  // How many executions are in RAM: the live ones and the ended ones cached.
  size_t executions_in_memory() const { return board_.live_count() + board_.ended_count(); }
  // False when no such execution is running.
  bool kill(const std::string& execution_id);
  // Resumes a PAUSED execution: each paused task run goes on with `inputs` checked against
  // its `onResume` declarations (Pause's output `onResume`). Throws NotFoundError,
  // InputError, or an Error of kind Conflict when the execution is not PAUSED.
  void resume(const std::string& execution_id, const Value& inputs = Value::object()) override {
    resume(execution_id, inputs, {});
  }
  // The same with FILE onResume inputs, stored under the execution as a new one's are.
  void resume(const std::string& execution_id, const Value& inputs, FileInputs files);
  // The alerts each alerting trigger keeps (io.runwatch.plugin.trigger.Alert, Absence,
  // Stuck), by trigger.
  std::vector<AlertTriggerAlerts> alerts() const { return alerts_.alerts(); }
  // Silences (beyond Kestra): what mutes Alert triggers' alerts and Flow triggers'
  // monitoring executions; kept in the repository.
  Silences& silences() { return silences_; }
  // Dry run: the Flow triggers that would fire (and the Alert triggers that would watch it) for an execution of that
  // flow reaching that state, without running anything.
  std::vector<FlowTriggerMatch> matching_triggers(const std::string& ns, const std::string& flow_id, State state,
                                                  const std::vector<Label>& labels = {}) const;
  // The lint warnings of the loaded flows, linted together (validation.h).
  std::vector<ValidationIssue> lint() const;
  // True once nothing more can happen without the clock moving: no execution can go on
  // and no schedule date is due.
  bool wait_idle(WaitTime timeout = std::nullopt);
  // The executor's last changes are recorded, then the repository is closed (its file
  // released for another engine) before it returns.
  void stop() {
    metrics_.set_refresh(nullptr);
    if (retention_) retention_->stop();
    alerts_.stop();
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
  // The namespaces' KV store (Kestra's /namespaces/{namespace}/kv), in the repository.
  KvStore& kv() { return kv_; }
  // The internal storage: executions' files under kestra:/// URIs.
  const storage::LocalStorage& storage() const { return *storage_; }
  // A file of the storage by its kestra:/// URI; throws Error (Malformed) for a bad URI,
  // NotFoundError when there is no such file.
  std::ifstream open_file(std::string_view uri) const { return storage_->get(storage::StorageUri::parse(uri)); }
  PluginRegistry& plugins() const { return PluginRegistry::global(); }
  // What the loader compiles templates with.
  static const TemplateChecker& templates();
  int worker_threads() const { return executor_.worker_threads(); }
  // The catalog, the exposition, snapshots, history and user metrics.
  metrics::Metrics& metrics() { return metrics_; }

 private:
  // A Subflow's execution, started by the executor.
  std::string launch(const SubflowRequest& request, Value trigger) override;
  const crypto::SecretCipher* secret_cipher() const { return secret_inputs_ ? &*secret_inputs_ : nullptr; }
  // Removes the files of executions the retention purged.
  void purge_files(const std::vector<store::PurgedExecution>& purged) const;
  struct NewExecution {
    std::shared_ptr<const Flow> flow;
    Execution execution;
  };
  // A CREATED execution of the flow (its latest revision, or `revision`), not yet
  // published nor started; its id is `id`, or a new one.
  NewExecution prepare(const std::string& ns, const std::string& flow_id, const Value& inputs,
                       const std::vector<Label>& labels, Value trigger, FileInputs files = {},
                       std::optional<int> revision = std::nullopt, std::string id = {});
  // Publishes it and starts it, without waiting for the record.
  Snapshot start_published(NewExecution created);
  // submit() without waiting for the record: for the engine's own threads.
  Snapshot create(const std::string& ns, const std::string& flow_id, const Value& inputs,
                  const std::vector<Label>& labels, Value trigger, std::string id = {});
  // Records the changed flows' next revisions, then puts them in the registry.
  std::vector<std::shared_ptr<const Flow>> install(std::vector<std::shared_ptr<Flow>> flows);
  // Puts the latest revision of every flow the repository holds in the registry (their
  // triggers start with the flows_changed() that follows).
  void restore_flows();
  // Null (the reason logged) when the stored source no longer loads, say a plugin is gone.
  std::shared_ptr<Flow> parse_stored_flow(const store::StoredFlow& stored) const;
  std::shared_ptr<const Flow> flow_at_revision(const std::string& ns, const std::string& id, int revision) const;
  // `restart_interrupted_tasks`: see EngineOptions.
  size_t recover(const std::vector<Snapshot>& unfinished, bool restart_interrupted_tasks);
  // Forgets the executions that ended before the cutoff, in the engine and the repository.
  void purge(TimePoint ended_before);
  // Hands the triggers' indexes, the alert monitor and the scheduler the changed flows.
  void flows_changed(const std::vector<FlowChange>& changes);
  // The flow's counters at zero, unless runwatch.metrics.precreate-series is off.
  void precreate_series(const Flow& flow);
  // Writes the notices of the flow's task definitions (TypeSchema::notices) to the server log.
  static void log_notices(const Flow& flow);
  // The executor's listener: starts the monitoring flows whose Flow triggers fire, and
  // hands the Alert triggers the executions they watch.
  void on_transition(const Execution& execution);
  // The alert history entries a snapshot brings, recorded with it: the deliveries of an
  // execution that ended.
  std::vector<AlertEvent> deliveries_of(const Execution& execution) const;
  // A trigger's execution, `id` its id (empty: a new one); one that cannot start is
  // recorded FAILED, saying why. `source` (null for an Alert trigger's notification) gives
  // the inputs its `outputs`, read only when the trigger has inputs.
  void start_triggered(const Flow& flow, const TriggerDef& trigger, const Value& trigger_variables,
                       const Execution* source, const std::string& id = {});
  // Hands these Stuck triggers (new, their book empty) the executions already running.
  void watch_running(const std::vector<const TriggerDef*>& triggers);
  // An alerting trigger's notification; nothing when its execution exists already.
  void deliver_alert(const AlertDelivery& delivery);

  std::shared_ptr<Clock> clock_;
  metrics::Metrics metrics_;  // before the components that record into it
  metrics::ExecutorMetrics flow_trigger_metrics_;  // used by on_transition, on the executor thread only
  const bool precreate_series_;
  SecretStore secrets_;
  const Value plugin_defaults_;
  FlowRegistry flows_;
  std::mutex flow_changes_;  // one flow change at a time, so revisions are assigned in order
  std::shared_ptr<store::Repository> repository_;
  std::optional<crypto::SecretCipher> secret_inputs_;  // what encrypts SECRET inputs, if anything may
  store::Indexer indexer_;  // records what the board publishes; outlives the executor
  FlowTriggers flow_triggers_;  // its windows are recorded by the indexer
  RepositoryScheduleState schedule_state_;
  RepositoryAlertState alert_state_;
  RepositorySilenceStorage silence_storage_;
  Silences silences_;  // before the executor and the alert monitor, which read it
  RepositoryKvBackend kv_backend_;
  KvStore kv_;  // before the executor: its tasks and renders use it
  std::unique_ptr<storage::LocalStorage> storage_;  // before the executor, as kv_
  RateLimiter rate_limiter_;                        // before the executor, as kv_
  ExecutionBoard board_;
  ExecutionLogReader logs_;                           // the board's lines, for the workers' tasks (log Fetch)
  std::unique_ptr<ExecutionBoard::Archive> archive_;  // the repository, behind the board
  Executor executor_;
  Scheduler scheduler_;  // after the executor: it submits executions from its own thread
  AlertMonitor alerts_;  // after the executor, as the scheduler
  size_t recovered_ = 0;
  std::unique_ptr<PeriodicJob> retention_;  // the periodic purge, when a retention is set
};

}  // namespace runwatch
