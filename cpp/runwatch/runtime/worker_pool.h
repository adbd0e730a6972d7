#pragma once
// The worker pool: N named threads that run one task attempt each at a time and hand
// the result back. Workers never touch execution state.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "runwatch/logging/loggers.h"
#include "runwatch/metrics/worker_metrics.h"
#include "runwatch/model/clock.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

struct WorkerJob {
  TaskIdentity identity;
  std::shared_ptr<const TaskType> type;
  Value properties;  // as written in the flow; rendered by the worker
  Value variables;   // what templates see
  Value error_logs;  // what errorLogs() returns
  std::shared_ptr<Cancellation> cancellation;
  std::vector<std::string> secret_values;  // decrypted SECRET inputs among the variables
  TimePoint queued_at{};  // set by submit: worker.queued.duration
  std::string working_directory;  // RunContext::working_directory; empty: the task makes its own
  size_t log_lines = 0;           // how many log lines its execution had: what the task reads of them
};

struct WorkerResult {
  TaskIdentity identity;
  TaskResult result;
  std::vector<LogEntry> logs;
  std::vector<std::string> revealed_secrets;  // for the executor to mask
};

// A task attempt a worker is running (/worker).
struct RunningTask {
  TaskIdentity identity;
  TimePoint started;
};

struct WorkerSettings {
  int threads = 8;
  // How long rendering one task's properties may take (runwatch.template.render-timeout).
  std::chrono::steady_clock::duration render_timeout = kDefaultRenderTimeout;
  std::string cache_directory;  // RunContext::cache_directory (runwatch.tasks.cache-directory)
  // What kv() and the KV and state tasks read and write (the executor's renders too);
  // null: none, they fail saying so.
  KvStore* kv_store = nullptr;
  // The internal storage tasks and read() use (the executor's renders too); null: none.
  const storage::LocalStorage* storage = nullptr;
  // What tasks read executions' log lines through (log Fetch); null: none, they fail saying so.
  const LogReader* logs = nullptr;
  // The per-receiver rate limit of notifications (kestra.alerts.rate-limit); null: none.
  RateLimiter* rate_limiter = nullptr;
};

class WorkerPool {
 public:
  using ResultSink = std::function<void(WorkerResult)>;
  WorkerPool(WorkerSettings settings, const Clock& clock, const ExecutionReader* executions, const SecretStore* secrets,
             ResultSink sink, const metrics::Catalog* metrics = nullptr);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(WorkerJob job);
  // Stops taking jobs, lets running ones finish, joins the threads.
  void stop();
  int thread_count() const { return static_cast<int>(threads_.size()); }
  std::vector<RunningTask> running() const;
  size_t pending() const;

 private:
  void loop(int index);
  WorkerResult run(WorkerJob& job) const;
  void count_busy(int change);  // mutex_ held

  WorkerSettings settings_;
  const Clock& clock_;
  const ExecutionReader* executions_;
  const SecretStore* secrets_;
  ResultSink sink_;
  std::shared_ptr<spdlog::logger> log_ = logger(kWorkerLogger);
  const metrics::Catalog* metrics_;
  metrics::JobGauges job_gauges_;
  size_t busy_ = 0;  // workers running a job; guarded by mutex_
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<WorkerJob> queue_;
  std::vector<std::optional<RunningTask>> running_;  // by worker index
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace runwatch
