#include "runwatch/metrics/registry.h"

#include <algorithm>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "runwatch/metrics/text_format.h"

namespace runwatch::metrics {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + "]";
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::Counter: return "counter";
    case Kind::Gauge: return "gauge";
    case Kind::Histogram: return "histogram";
  }
  return "metric";
}

}  // namespace

const std::vector<double>& seconds_buckets() {
  static const std::vector<double> buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,    2.5,
                                           5,     10,   30,    60,   120, 300,  600, 1800, 3600};
  return buckets;
}

template <typename T>
MetricVec<T>::MetricVec(prometheus::Family<T>& family, std::string name, std::string help,
                        std::vector<std::string> tag_names, const Tags& common_tags, std::vector<double> buckets)
    : family_(family), name_(std::move(name)), help_(std::move(help)), tag_names_(std::move(tag_names)),
      common_tags_(common_tags), buckets_(std::move(buckets)) {}

template <typename T>
T& MetricVec<T>::with(const std::vector<std::string>& values) const {
  if (values.size() != tag_names_.size())
    throw MetricError("expected values for the tags " + joined(tag_names_) + ", got " +
                      std::to_string(values.size()) + " values");
  prometheus::Labels labels;
  for (size_t i = 0; i < values.size(); ++i) labels.emplace(tag_names_[i], values[i]);
  std::lock_guard lock(mutex_);
  const bool known = family_.Has(labels);
  T* metric;
  if constexpr (std::is_same_v<T, prometheus::Histogram>)
    metric = &family_.Add(labels, prometheus::Histogram::BucketBoundaries(buckets_));
  else
    metric = &family_.Add(labels);
  if (!known) {
    // prometheus-cpp's order: the common tags, then the series' own, each sorted by name.
    std::string rendered;
    for (const auto& [name, value] : common_tags_) append_label(rendered, name, value);
    for (const auto& [name, value] : labels) append_label(rendered, name, value);
    series_.push_back({std::move(rendered), metric});
  }
  return *metric;
}

template <typename T>
void MetricVec<T>::append_text(std::string& out) const {
  std::lock_guard lock(mutex_);
  if (series_.empty()) return;
  const auto type = std::is_same_v<T, prometheus::Counter> ? prometheus::MetricType::Counter
                    : std::is_same_v<T, prometheus::Gauge> ? prometheus::MetricType::Gauge
                                                           : prometheus::MetricType::Histogram;
  append_family_header(out, name_, help_, type);
  for (const auto& s : series_) append_series(out, name_, type, s.labels, s.metric->Collect());
}

template class MetricVec<prometheus::Counter>;
template class MetricVec<prometheus::Gauge>;
template class MetricVec<prometheus::Histogram>;

struct MetricRegistry::Entry {
  Kind kind;
  std::vector<std::string> tag_names;
  std::unique_ptr<CounterVec> counter;
  std::unique_ptr<GaugeVec> gauge;
  std::unique_ptr<HistogramVec> histogram;
};

MetricRegistry::MetricRegistry(std::string prefix, Tags common_tags)
    : prefix_(std::move(prefix)), common_tags_(std::move(common_tags)),
      registry_(std::make_shared<prometheus::Registry>()) {
  if (!prefix_.empty()) check_metric_name(exposed_name("", prefix_));
  for (const auto& [name, value] : common_tags_) check_label_name(name);
}

MetricRegistry::~MetricRegistry() = default;

MetricRegistry::Entry& MetricRegistry::entry(const std::string& name, Kind kind, std::vector<std::string>& tag_names) {
  check_metric_name(name);
  for (const auto& tag : tag_names) {
    check_label_name(tag);
    if (common_tags_.count(tag)) throw MetricError("tag '" + tag + "' of metric '" + name + "' is already a common tag");
  }
  auto sorted = tag_names;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw MetricError("metric '" + name + "' names a tag twice: " + joined(tag_names));
  std::lock_guard lock(mutex_);
  auto& slot = entries_[name];
  if (slot) {
    if (slot->kind != kind)
      throw MetricError("metric '" + name + "' is a " + std::string(kind_name(slot->kind)) + ", not a " +
                        std::string(kind_name(kind)));
    if (slot->tag_names != tag_names)
      throw MetricError("metric '" + name + "' has the tags " + joined(slot->tag_names) + ", not " +
                        joined(tag_names) + ": every series of a metric carries the same tags");
    return *slot;
  }
  slot = std::make_unique<Entry>();
  slot->kind = kind;
  slot->tag_names = tag_names;
  return *slot;
}

CounterVec& MetricRegistry::counter(const std::string& name, const std::string& help, std::vector<std::string> tag_names) {
  auto& e = entry(name, Kind::Counter, tag_names);
  std::lock_guard lock(mutex_);
  if (!e.counter) {
    auto& family = prometheus::BuildCounter().Name(name).Help(help).Labels(common_tags_).Register(*registry_);
    e.counter = std::make_unique<CounterVec>(family, name, help, tag_names, common_tags_);
    registration_order_.push_back(&e);
  }
  return *e.counter;
}

GaugeVec& MetricRegistry::gauge(const std::string& name, const std::string& help, std::vector<std::string> tag_names) {
  auto& e = entry(name, Kind::Gauge, tag_names);
  std::lock_guard lock(mutex_);
  if (!e.gauge) {
    auto& family = prometheus::BuildGauge().Name(name).Help(help).Labels(common_tags_).Register(*registry_);
    e.gauge = std::make_unique<GaugeVec>(family, name, help, tag_names, common_tags_);
    registration_order_.push_back(&e);
  }
  return *e.gauge;
}

HistogramVec& MetricRegistry::histogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> tag_names, std::vector<double> buckets) {
  auto& e = entry(name, Kind::Histogram, tag_names);
  std::lock_guard lock(mutex_);
  if (!e.histogram) {
    auto& family = prometheus::BuildHistogram().Name(name).Help(help).Labels(common_tags_).Register(*registry_);
    e.histogram = std::make_unique<HistogramVec>(family, name, help, tag_names, common_tags_, std::move(buckets));
    registration_order_.push_back(&e);
  }
  return *e.histogram;
}

std::string MetricRegistry::text() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (Kind kind : {Kind::Counter, Kind::Gauge, Kind::Histogram}) {
    for (const Entry* e : registration_order_) {
      if (e->kind != kind) continue;
      if (e->counter) e->counter->append_text(out);
      if (e->gauge) e->gauge->append_text(out);
      if (e->histogram) e->histogram->append_text(out);
    }
  }
  return out;
}

std::vector<prometheus::MetricFamily> MetricRegistry::collect() const { return registry_->Collect(); }

std::vector<std::string> tag_names_of(const Tags& tags) {
  std::vector<std::string> out;
  for (const auto& [name, value] : tags) out.push_back(name);
  return out;
}

std::vector<std::string> tag_values_of(const Tags& tags) {
  std::vector<std::string> out;
  for (const auto& [name, value] : tags) out.push_back(value);
  return out;
}

}  // namespace runwatch::metrics
