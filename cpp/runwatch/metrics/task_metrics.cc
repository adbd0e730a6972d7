#include "runwatch/metrics/task_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "runwatch/metrics/worker_metrics.h"

namespace runwatch::metrics {
namespace {

const std::vector<std::string> kIdentityTags{"namespace_id", "flow_id", "task_id"};

// Identity tags first, then the task's own (sorted, as a Tags map is).
std::pair<std::vector<std::string>, std::vector<std::string>> tags_of(const TaskMetricSource& source,
                                                                      const std::string& name, const Tags& tags) {
  std::vector<std::string> names = kIdentityTags;
  std::vector<std::string> values{source.ns, source.flow_id, source.task_id};
  for (const auto& [tag, value] : tags) {
    for (const auto& reserved : kIdentityTags)
      if (tag == reserved) throw MetricError("metric '" + name + "': tag '" + tag + "' is set by the engine");
    names.push_back(tag);
    values.push_back(value);
  }
  return {std::move(names), std::move(values)};
}

std::string metric_name(const MetricRegistry& registry, const std::string& name) {
  if (name.empty()) throw MetricError("a metric needs a name");
  return exposed_name(registry.prefix(), name);
}

}  // namespace

void task_counter(MetricRegistry& registry, const TaskMetricSource& source, const std::string& name, double value,
                  const Tags& tags) {
  if (!(value >= 0)) throw MetricError("counter '" + name + "' can only grow: got " + std::to_string(value));
  auto [names, values] = tags_of(source, name, tags);
  auto& family = registry.counter(metric_name(registry, name) + "_total", "Task metric " + name, std::move(names));
  family.with(values).Increment(value);
}

void task_timer(MetricRegistry& registry, const TaskMetricSource& source, const std::string& name, Duration value,
                const Tags& tags) {
  if (value < Duration::zero()) throw MetricError("timer '" + name + "' cannot be negative");
  auto [names, values] = tags_of(source, name, tags);
  auto& family = registry.histogram(metric_name(registry, name) + "_seconds", "Task metric " + name, std::move(names));
  family.with(values).Observe(seconds(value));
}

}  // namespace runwatch::metrics
