#include "runwatch/metrics/worker_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

namespace runwatch::metrics {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

TaskSeries task_series(const Catalog& c, const std::string& type, const std::string& ns, const std::string& flow) {
  const std::vector<std::string> tags{type, ns, flow};
  return TaskSeries{&c.worker_running.with(tags),        &c.worker_started.with(tags),
                    &c.worker_retried.with(tags),        &c.worker_ended.with(tags),
                    &c.worker_timeout.with(tags),        &c.worker_ended_duration.with(tags),
                    &c.worker_queued_duration.with(tags)};
}

TaskSeries& WorkerMetrics::series(const std::string& type, const std::string& ns, const std::string& flow) {
  return cache_.get([this](const auto&... v) { return task_series(*catalog_, v...); }, type, ns, flow);
}

void WorkerMetrics::task_started(const std::string& type, const std::string& ns, const std::string& flow, int attempt,
                                 Duration queued) {
  if (!catalog_) return;
  auto& s = series(type, ns, flow);
  s.running->Increment();
  s.started->Increment();
  if (attempt > 1) s.retried->Increment();
  s.queued_duration->Observe(seconds(queued));
}

void WorkerMetrics::task_ended(const std::string& type, const std::string& ns, const std::string& flow, Duration ran) {
  if (!catalog_) return;
  auto& s = series(type, ns, flow);
  s.running->Decrement();
  s.ended->Increment();
  s.ended_duration->Observe(seconds(ran));
}

JobGauges::JobGauges(const Catalog* catalog) {
  if (!catalog) return;
  running_ = &catalog->worker_job_running.with({});
  pending_ = &catalog->worker_job_pending.with({});
  threads_ = &catalog->worker_job_thread.with({});
}

void JobGauges::set(size_t running, size_t pending) const {
  if (!running_) return;
  running_->Set(static_cast<double>(running));
  pending_->Set(static_cast<double>(pending));
}

void JobGauges::set_threads(size_t threads) const {
  if (threads_) threads_->Set(static_cast<double>(threads));
}

}  // namespace runwatch::metrics
