#pragma once
// Prometheus naming rules and Kestra's dotted names as Prometheus exposes them.
#include <string>
#include <string_view>

#include "runwatch/model/error.h"

namespace runwatch::metrics {

// A metric or label name refused by the Prometheus naming rules, a tag set that differs
// from the one a metric was registered with, or a name used with two types.
class MetricError : public Error {
 public:
  using Error::Error;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved by Prometheus).
bool is_label_name(std::string_view name);
// Throw MetricError saying which rule the name breaks.
void check_metric_name(std::string_view name);
void check_label_name(std::string_view name);

// "<prefix>.<name>" with dots as underscores: ("kestra", "worker.started.count") ->
// "kestra_worker_started_count". An empty prefix leaves the name alone.
std::string exposed_name(std::string_view prefix, std::string_view dotted);

}  // namespace runwatch::metrics
