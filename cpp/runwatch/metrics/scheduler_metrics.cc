#include "runwatch/metrics/scheduler_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "runwatch/metrics/worker_metrics.h"

namespace runwatch::metrics {

SchedulerMetrics::SchedulerMetrics(const Catalog* catalog) : catalog_(catalog) {
  if (catalog_) loops_ = &catalog_->scheduler_loop.with({});
}

SchedulerMetrics::TriggerSeries& SchedulerMetrics::series(const std::string& ns, const std::string& flow) {
  return cache_.get(
      [this](const std::string& n, const std::string& f) {
        const std::vector<std::string> tags{std::string(kScheduleTriggerType), n, f};
        return TriggerSeries{&catalog_->scheduler_trigger.with(tags), &catalog_->scheduler_evaluate_running.with(tags),
                             &catalog_->scheduler_evaluate.with(tags),
                             &catalog_->scheduler_evaluate_duration.with(tags),
                             &catalog_->scheduler_trigger_delay.with(tags)};
      },
      ns, flow);
}

void SchedulerMetrics::loop() const {
  if (loops_) loops_->Increment();
}

void SchedulerMetrics::evaluation_started(const std::string& ns, const std::string& flow) {
  if (catalog_) series(ns, flow).evaluate_running->Increment();
}

void SchedulerMetrics::evaluated(const std::string& ns, const std::string& flow, Duration took) {
  if (!catalog_) return;
  auto& s = series(ns, flow);
  s.evaluated->Increment();
  s.evaluate_duration->Observe(seconds(took));
}

void SchedulerMetrics::triggered(const std::string& ns, const std::string& flow, Duration delay) {
  if (!catalog_) return;
  auto& s = series(ns, flow);
  s.triggered->Increment();
  s.delay->Observe(seconds(delay));
}

}  // namespace runwatch::metrics
