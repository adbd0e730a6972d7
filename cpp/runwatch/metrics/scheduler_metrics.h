#pragma once
// What the scheduler thread records: scheduler.* metrics per Schedule trigger's
// (namespace, flow). Owned by the scheduler thread and used only there (see SeriesCache).
#include <string>

#include "runwatch/metrics/catalog.h"
#include "runwatch/metrics/series_cache.h"
#include "runwatch/model/time.h"

namespace runwatch::metrics {

class SchedulerMetrics {
 public:
  // Null catalog: metrics off, every call does nothing.
  explicit SchedulerMetrics(const Catalog* catalog);
  // A pass of the loop that found dates due.
  void loop() const;
  void evaluation_started(const std::string& ns, const std::string& flow);
  void evaluated(const std::string& ns, const std::string& flow, Duration took);
  // An execution asked for, `delay` after its date.
  void triggered(const std::string& ns, const std::string& flow, Duration delay);

 private:
  struct TriggerSeries {
    prometheus::Counter* triggered;
    prometheus::Counter* evaluate_running;
    prometheus::Counter* evaluated;
    prometheus::Histogram* evaluate_duration;
    prometheus::Histogram* delay;
  };
  TriggerSeries& series(const std::string& ns, const std::string& flow);
  const Catalog* catalog_;
  prometheus::Counter* loops_ = nullptr;
  SeriesCache<TriggerSeries> cache_;
};

}  // namespace runwatch::metrics
