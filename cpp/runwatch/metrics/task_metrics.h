#pragma once
// Metrics a task emits while it runs (Kestra's task metrics): counters and timers
// exposed under the prefix, tagged with the task's namespace_id, flow_id and task_id
// plus the task's own tags.
#include <string>

#include "runwatch/metrics/registry.h"
#include "runwatch/model/time.h"

namespace runwatch::metrics {

// Where a task's metrics go: the task's identity tags.
struct TaskMetricSource {
  std::string ns;
  std::string flow_id;
  std::string task_id;
};

// `name` is dotted like Kestra's ("records.read" -> <prefix>_records_read_total).
// Throws MetricError for an invalid name or tag, a negative counter value, a tag
// that is one of the identity tags, or tags other than the first emission's.
void task_counter(MetricRegistry& registry, const TaskMetricSource& source, const std::string& name, double value,
                  const Tags& tags);
// <prefix>_<name>_seconds, a histogram.
void task_timer(MetricRegistry& registry, const TaskMetricSource& source, const std::string& name, Duration value,
                const Tags& tags);

}  // namespace runwatch::metrics
