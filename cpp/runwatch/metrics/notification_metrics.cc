#include "runwatch/metrics/notification_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "runwatch/metrics/worker_metrics.h"

namespace runwatch::metrics {

void notification_sent(const Catalog* catalog, const std::string& task_type, Duration latency) {
  if (!catalog) return;
  catalog->notification_sent.with({task_type}).Increment();
  catalog->notification_delivery.with({task_type}).Observe(seconds(latency));
}

void notification_failed(const Catalog* catalog, const std::string& task_type, const std::string& reason) {
  if (catalog) catalog->notification_failed.with({task_type, reason}).Increment();
}

void notification_rate_limited(const Catalog* catalog, const std::string& task_type) {
  if (catalog) catalog->notification_rate_limited.with({task_type}).Increment();
}

}  // namespace runwatch::metrics
