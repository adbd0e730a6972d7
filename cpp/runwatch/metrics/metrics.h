#pragma once
// The engine's metrics: the registry with its prefix and common tags, Kestra's catalog,
// the process metrics, the exposition, snapshots and the sampled history.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/metrics/catalog.h"
#include "runwatch/metrics/history.h"
#include "runwatch/metrics/registry.h"
#include "runwatch/metrics/sample.h"
#include "runwatch/model/clock.h"

namespace runwatch::metrics {

struct MetricsOptions {
  std::string prefix = "kestra";                // kestra.metrics.prefix
  Tags tags;                                    // kestra.metrics.tags: on every series
  bool enabled = true;                          // off: no catalog, no history (engine figures without metrics)
  Duration history_interval = std::chrono::seconds(10);
  size_t history_capacity = 360;                // samplings kept: an hour at the default interval
  // runwatch.metrics.precreate-series: each loaded flow's counters exist at zero (flow_series.h).
  bool precreate_flow_series = true;
};

class Metrics {
 public:
  // Throws MetricError for an invalid prefix or tag name, Error for a bad history setting.
  Metrics(const Clock& clock, MetricsOptions options);
  ~Metrics();

  // Null when metrics are off: the recorders then do nothing.
  const Catalog* catalog() const { return catalog_.get(); }
  MetricRegistry& registry() { return registry_; }

  // Called at the start of each exposition (so each snapshot and history sample): sets
  // the gauges computed from state rather than counted as it changes (alerts and silences
  // by state).
  void set_refresh(std::function<void()> refresh);
  std::string prometheus_text() const;
  std::vector<Sample> snapshot() const;
  std::vector<HistorySample> history(const std::optional<std::string>& name, std::optional<TimePoint> since) const;
  // True once no history sampling is due (see Engine::wait_idle).
  bool wait_idle(std::chrono::steady_clock::duration timeout) const;
  void stop();

 private:
  MetricRegistry registry_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<HistorySampler> history_;
  mutable std::mutex refresh_mutex_;
  std::function<void()> refresh_;
};

}  // namespace runwatch::metrics
