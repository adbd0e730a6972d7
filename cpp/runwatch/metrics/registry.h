#pragma once
// One prometheus-cpp Registry with the engine's prefix and common tags. Every metric
// name is registered once, with one type and one set of tag names; every series of it
// carries exactly those tags (so Prometheus never sees one name with two tag sets).
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <string>
#include <vector>

#include "runwatch/metrics/names.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
struct MetricFamily;
template <typename T>
class Family;
}  // namespace prometheus

namespace runwatch::metrics {

using Tags = std::map<std::string, std::string>;
enum class Kind { Counter, Gauge, Histogram };

// Seconds: Prometheus' default buckets, extended to an hour for executions.
const std::vector<double>& seconds_buckets();

// A metric name with its fixed tag names. `with` returns the series of those tag
// values (in the order of tag_names); a series lives as long as the registry, so
// callers keep the reference instead of looking it up again.
template <typename T>
class MetricVec {
 public:
  MetricVec(prometheus::Family<T>& family, std::string name, std::string help, std::vector<std::string> tag_names,
            const Tags& common_tags, std::vector<double> buckets = {});
  T& with(const std::vector<std::string>& values) const;
  const std::vector<std::string>& tag_names() const { return tag_names_; }

  // The family's lines in the text format (none while it has no series), each series
  // read in place with its label set rendered once, when the series was made.
  void append_text(std::string& out) const;

 private:
  struct Series {
    std::string labels;  // `{a="x",b="y"` (common tags first), empty for none
    T* metric;
  };

  prometheus::Family<T>& family_;
  std::string name_;
  std::string help_;
  std::vector<std::string> tag_names_;
  const Tags& common_tags_;
  std::vector<double> buckets_;  // histograms only
  mutable std::mutex mutex_;
  mutable std::vector<Series> series_;  // in order of creation
};

using CounterVec = MetricVec<prometheus::Counter>;
using GaugeVec = MetricVec<prometheus::Gauge>;
using HistogramVec = MetricVec<prometheus::Histogram>;

class MetricRegistry {
 public:
  // Throws MetricError for an invalid prefix or common tag name.
  MetricRegistry(std::string prefix, Tags common_tags);
  ~MetricRegistry();
  MetricRegistry(const MetricRegistry&) = delete;
  MetricRegistry& operator=(const MetricRegistry&) = delete;

  const std::string& prefix() const { return prefix_; }
  const Tags& common_tags() const { return common_tags_; }

  // The metric `name` (exposed as is), registered on first use. Throws MetricError
  // for an invalid name or tag name, a name already registered with another type or
  // other tag names, or a tag that is also a common tag.
  CounterVec& counter(const std::string& name, const std::string& help, std::vector<std::string> tag_names);
  GaugeVec& gauge(const std::string& name, const std::string& help, std::vector<std::string> tag_names);
  HistogramVec& histogram(const std::string& name, const std::string& help, std::vector<std::string> tag_names,
                          std::vector<double> buckets = seconds_buckets());

  // The exposition of every metric with series: counters, then gauges, then histograms,
  // each in order of registration (prometheus-cpp's own order).
  std::string text() const;
  // prometheus-cpp's copy of every series (what its own serializer takes).
  std::vector<prometheus::MetricFamily> collect() const;

 private:
  struct Entry;
  Entry& entry(const std::string& name, Kind kind, std::vector<std::string>& tag_names);

  std::string prefix_;
  Tags common_tags_;
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
  std::vector<const Entry*> registration_order_;
};

// Tag names of a tag map, sorted (the order `with` takes values in).
std::vector<std::string> tag_names_of(const Tags& tags);
std::vector<std::string> tag_values_of(const Tags& tags);

}  // namespace runwatch::metrics
