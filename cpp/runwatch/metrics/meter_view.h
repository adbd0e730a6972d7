#pragma once
// The samples as Micronaut's /metrics endpoint shows meters: one dotted name per metric
// (kestra_executor_execution_end_count_total -> kestra.executor.execution.end.count,
// a timer's _seconds histogram -> its name without the unit), and for one meter its
// measurements summed over the series that carry the requested tags.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runwatch/metrics/sample.h"

namespace runwatch::metrics {

struct MeterReading {
  std::string name;                                         // dotted
  std::optional<std::string> base_unit;                     // "seconds" for timers
  std::vector<std::pair<std::string, double>> measurements;  // COUNT, VALUE, TOTAL_TIME, TOTAL
  std::map<std::string, std::set<std::string>> available_tags;  // of the matching series, filter tags excluded
};

// The meters' dotted names, sorted.
std::vector<std::string> meter_names(const std::vector<Sample>& samples);

// The meter `name` (dotted, or its Prometheus family name) over the series whose labels
// include every `required` tag; nullopt when no series matches.
std::optional<MeterReading> read_meter(const std::vector<Sample>& samples, std::string_view name,
                                       const std::vector<std::pair<std::string, std::string>>& required);

}  // namespace runwatch::metrics
