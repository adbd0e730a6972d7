#include "runwatch/metrics/user_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <cmath>

#include "runwatch/metrics/names.h"

namespace runwatch::metrics {

void UserCounter::inc(double amount) const {
  if (!(amount >= 0)) throw MetricError("a counter only grows: cannot add " + std::to_string(amount));
  counter_->Increment(amount);
}
double UserCounter::value() const { return counter_->Value(); }

void UserGauge::set(double value) const { gauge_->Set(value); }
void UserGauge::inc(double amount) const { gauge_->Increment(amount); }
void UserGauge::dec(double amount) const { gauge_->Decrement(amount); }
double UserGauge::value() const { return gauge_->Value(); }

void UserHistogram::observe(double value) const { histogram_->Observe(value); }

UserCounter user_counter(MetricRegistry& registry, const std::string& dotted, const Tags& tags) {
  const std::string name = exposed_name("", dotted);
  bool total = name.ends_with("_total");
  auto& family = registry.counter(total ? name : name + "_total", dotted, tag_names_of(tags));
  return UserCounter(family.with(tag_values_of(tags)));
}

UserGauge user_gauge(MetricRegistry& registry, const std::string& dotted, const Tags& tags) {
  return UserGauge(registry.gauge(exposed_name("", dotted), dotted, tag_names_of(tags)).with(tag_values_of(tags)));
}

UserHistogram user_histogram(MetricRegistry& registry, const std::string& dotted, const Tags& tags,
                             std::vector<double> buckets) {
  const std::string name = exposed_name("", dotted);
  if (buckets.empty()) buckets = seconds_buckets();
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
      throw MetricError("histogram '" + name + "': buckets must be finite and strictly increasing");
  }
  auto& family = registry.histogram(name, dotted, tag_names_of(tags), std::move(buckets));
  return UserHistogram(family.with(tag_values_of(tags)));
}

}  // namespace runwatch::metrics
