#pragma once
// The process' own metrics, read from /proc at scrape time (the equivalent of the JVM
// metrics Kestra exposes), with Prometheus' standard names: process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, process_threads,
// process_start_time_seconds.
#include <vector>

#include "runwatch/metrics/registry.h"

namespace runwatch::metrics {

// Each carries the common tags. A /proc file that cannot be read leaves its metric out.
std::vector<prometheus::MetricFamily> process_metrics(const Tags& common_tags);

}  // namespace runwatch::metrics
