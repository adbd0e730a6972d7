#include "runwatch/runtime/worker_pool.h"

#include "runwatch/model/thread_name.h"

namespace runwatch {
namespace {
TaskResult failed(std::string error) {
  TaskResult result;
  result.state = State::FAILED;
  result.error = std::move(error);
  return result;
}
}  // namespace

WorkerPool::WorkerPool(WorkerSettings settings, const Clock& clock, const ExecutionReader* executions,
                       const SecretStore* secrets, ResultSink sink, const metrics::Catalog* metrics)
    : settings_(settings), clock_(clock), executions_(executions), secrets_(secrets), sink_(std::move(sink)),
      metrics_(metrics), job_gauges_(metrics), running_(static_cast<size_t>(settings.threads)) {
  job_gauges_.set_threads(static_cast<size_t>(settings.threads));
  for (int i = 0; i < settings.threads; ++i) threads_.emplace_back([this, i] { loop(i); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::submit(WorkerJob job) {
  {
    std::lock_guard lock(mutex_);
    job.queued_at = clock_.now();
    queue_.push_back(std::move(job));
    job_gauges_.set(busy_, queue_.size());
  }
  cv_.notify_one();
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WorkerPool::loop(int index) {
  set_thread_name("worker-" + std::to_string(index));
  metrics::WorkerMetrics metrics(metrics_);  // this thread's handles
  for (;;) {
    WorkerJob job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_[index] = RunningTask{job.identity, clock_.now()};
      count_busy(+1);
    }
    auto started = clock_.now();
    metrics.task_started(job.identity.task_type, job.identity.ns, job.identity.flow_id, job.identity.attempt,
                         started - job.queued_at);
    auto result = run(job);
    metrics.task_ended(result.identity.task_type, result.identity.ns, result.identity.flow_id, clock_.now() - started);
    {
      std::lock_guard lock(mutex_);
      running_[index].reset();
      count_busy(-1);
    }
    sink_(std::move(result));
  }
}

std::vector<RunningTask> WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  std::vector<RunningTask> out;
  for (const auto& slot : running_)
    if (slot) out.push_back(*slot);
  return out;
}

size_t WorkerPool::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkerPool::count_busy(int change) {
  busy_ = static_cast<size_t>(static_cast<long>(busy_) + change);
  job_gauges_.set(busy_, queue_.size());
}

WorkerResult WorkerPool::run(WorkerJob& job) const {
  RunContext ctx(job.identity, std::move(job.variables), clock_, job.cancellation, executions_, secrets_);
  ctx.set_error_logs(std::move(job.error_logs));
  ctx.add_secret_values(job.secret_values);
  ctx.set_render_timeout(settings_.render_timeout);
  ctx.set_cache_directory(settings_.cache_directory);
  ctx.set_kv_store(settings_.kv_store);
  ctx.set_working_directory(std::move(job.working_directory));
  ctx.set_storage(settings_.storage);
  ctx.set_rate_limiter(settings_.rate_limiter);
  ctx.set_log_reader(settings_.logs, job.log_lines);
  const auto& who = job.identity;
  log_->trace("Running task {} ({}) of execution {}, attempt {}", who.task_id, who.task_type, who.execution_id,
              who.attempt);
  ctx.set_metrics(metrics_);
  TaskResult result;
  try {
    if (ctx.cancelled()) throw TaskFailure(ctx.cancellation().reason());
    result = job.type->run(ctx, ctx.render_properties(job.properties, job.type->schema()));
  } catch (const RetryLater& e) {
    result = failed(e.what());
    result.retry_in = e.wait();
  } catch (const std::exception& e) {
    result = failed(e.what());
  } catch (...) {
    result = failed("unknown error");
  }
  log_->debug("Task {} of execution {} ended {}", who.task_id, who.execution_id, to_string(result.state));
  // A failure that will be attempted again is a warning: errorLogs() shows final failures.
  if (result.state == State::FAILED)
    ctx.log(result.retry_in ? LogLevel::WARN : LogLevel::ERROR, result.error.empty() ? "Task failed" : result.error);
  return WorkerResult{std::move(job.identity), std::move(result), ctx.take_logs(), ctx.revealed_secrets()};
}

}  // namespace runwatch
