#pragma once
// What a worker thread records: worker.* task metrics per (task type, namespace, flow)
// and the pool's job gauges. One WorkerMetrics per worker thread (see SeriesCache).
#include <string>

#include "runwatch/metrics/catalog.h"
#include "runwatch/metrics/series_cache.h"
#include "runwatch/model/time.h"

namespace runwatch::metrics {

// The handles of one (task type, namespace, flow).
struct TaskSeries {
  prometheus::Gauge* running;
  prometheus::Counter* started;
  prometheus::Counter* retried;
  prometheus::Counter* ended;
  prometheus::Counter* timeout;
  prometheus::Histogram* ended_duration;
  prometheus::Histogram* queued_duration;
};
TaskSeries task_series(const Catalog& catalog, const std::string& type, const std::string& ns, const std::string& flow);

class WorkerMetrics {
 public:
  // Null catalog: metrics off, every call does nothing.
  explicit WorkerMetrics(const Catalog* catalog) : catalog_(catalog) {}
  // attempt is 1-based: a later attempt is a retry.
  void task_started(const std::string& type, const std::string& ns, const std::string& flow, int attempt,
                    Duration queued);
  void task_ended(const std::string& type, const std::string& ns, const std::string& flow, Duration ran);

 private:
  TaskSeries& series(const std::string& type, const std::string& ns, const std::string& flow);
  const Catalog* catalog_;
  SeriesCache<TaskSeries> cache_;
};

// worker.job.running, worker.job.pending, worker.job.thread: set by the pool under its lock.
class JobGauges {
 public:
  explicit JobGauges(const Catalog* catalog);
  void set(size_t running, size_t pending) const;
  void set_threads(size_t threads) const;

 private:
  prometheus::Gauge* running_ = nullptr;
  prometheus::Gauge* pending_ = nullptr;
  prometheus::Gauge* threads_ = nullptr;
};

double seconds(Duration d);

}  // namespace runwatch::metrics
