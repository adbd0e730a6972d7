#pragma once
// Metrics that scripts create (engine.metrics.counter / gauge / histogram in Python):
// in the engine's registry and exposition, with its common tags. Names take no prefix;
// Kestra's dotted names are accepted, dots becoming underscores as for ctx.metric
// ("records.read" is records_read); a counter's name gets "_total" unless it ends with it.
#include <vector>

#include "runwatch/metrics/registry.h"

namespace runwatch::metrics {

class UserCounter {
 public:
  explicit UserCounter(prometheus::Counter& counter) : counter_(&counter) {}
  // Throws MetricError for a negative amount: counters only grow.
  void inc(double amount = 1) const;
  double value() const;

 private:
  prometheus::Counter* counter_;
};

class UserGauge {
 public:
  explicit UserGauge(prometheus::Gauge& gauge) : gauge_(&gauge) {}
  void set(double value) const;
  void inc(double amount = 1) const;
  void dec(double amount = 1) const;
  double value() const;

 private:
  prometheus::Gauge* gauge_;
};

class UserHistogram {
 public:
  explicit UserHistogram(prometheus::Histogram& histogram) : histogram_(&histogram) {}
  void observe(double value) const;

 private:
  prometheus::Histogram* histogram_;
};

// Throw MetricError for invalid names or tags, or a name registered with another type
// or other tag names.
UserCounter user_counter(MetricRegistry& registry, const std::string& name, const Tags& tags);
UserGauge user_gauge(MetricRegistry& registry, const std::string& name, const Tags& tags);
// Buckets: strictly increasing upper bounds (+Inf is implied); seconds_buckets() when empty.
UserHistogram user_histogram(MetricRegistry& registry, const std::string& name, const Tags& tags,
                             std::vector<double> buckets = {});

}  // namespace runwatch::metrics
