#include "runwatch/metrics/sample.h"

#include <prometheus/metric_family.h>

#include "runwatch/metrics/text_format.h"

namespace runwatch::metrics {
namespace {

class Flattener {
 public:
  Flattener(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric, std::vector<Sample>& out)
      : family_(family), metric_(metric), out_(out) {
    for (const auto& l : metric.label) labels_.emplace_back(l.name, l.value);
  }

  void run() {
    using prometheus::MetricType;
    switch (family_.type) {
      case MetricType::Counter: add("", metric_.counter.value); break;
      case MetricType::Gauge: add("", metric_.gauge.value); break;
      case MetricType::Histogram:
        for (const auto& b : metric_.histogram.bucket)
          add("_bucket", static_cast<double>(b.cumulative_count), {"le", b.upper_bound});
        add("_sum", metric_.histogram.sample_sum);
        add("_count", static_cast<double>(metric_.histogram.sample_count));
        break;
      case MetricType::Summary:
        for (const auto& q : metric_.summary.quantile) add("", q.value, {"quantile", q.quantile});
        add("_sum", metric_.summary.sample_sum);
        add("_count", static_cast<double>(metric_.summary.sample_count));
        break;
      default: add("", metric_.untyped.value); break;
    }
  }

 private:
  struct Extra {
    const char* name;
    double bound;
  };
  void add(const char* suffix, double value, Extra extra = {nullptr, 0}) {
    Sample s{family_.name + suffix, labels_, value, type_name(family_.type), std::nullopt};
    if (extra.name) {
      std::string bound;
      append_number(bound, extra.bound);
      s.labels.emplace_back(extra.name, std::move(bound));
    }
    if (metric_.timestamp_ms != 0) s.timestamp_ms = metric_.timestamp_ms;
    out_.push_back(std::move(s));
  }

  const prometheus::MetricFamily& family_;
  const prometheus::ClientMetric& metric_;
  std::vector<Sample>& out_;
  std::vector<std::pair<std::string, std::string>> labels_;
};

}  // namespace

std::vector<Sample> samples_of(const std::vector<prometheus::MetricFamily>& families) {
  std::vector<Sample> out;
  for (const auto& f : families)
    for (const auto& m : f.metric) Flattener(f, m, out).run();
  return out;
}

bool sample_of_metric(const Sample& sample, const std::string& name) {
  if (sample.name == name) return true;
  if (sample.type != "histogram" && sample.type != "summary") return false;
  if (sample.name.compare(0, name.size(), name) != 0) return false;
  std::string_view rest(sample.name);
  rest.remove_prefix(name.size());
  return rest == "_sum" || rest == "_count" || (sample.type == "histogram" && rest == "_bucket");
}

}  // namespace runwatch::metrics
