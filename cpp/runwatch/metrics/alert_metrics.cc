#include "runwatch/metrics/alert_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

namespace runwatch::metrics {

void set_alert_counts(const Catalog* catalog, size_t pending, size_t firing, size_t resolved) {
  if (!catalog) return;
  catalog->alerts.with({"pending"}).Set(static_cast<double>(pending));
  catalog->alerts.with({"firing"}).Set(static_cast<double>(firing));
  catalog->alerts.with({"resolved"}).Set(static_cast<double>(resolved));
}

void alert_notification(const Catalog* catalog, const std::string& reason, const std::string& outcome) {
  if (catalog) catalog->alert_notifications.with({reason, outcome}).Increment();
}

void set_silence_counts(const Catalog* catalog, size_t pending, size_t active, size_t expired) {
  if (!catalog) return;
  catalog->silences.with({"pending"}).Set(static_cast<double>(pending));
  catalog->silences.with({"active"}).Set(static_cast<double>(active));
  catalog->silences.with({"expired"}).Set(static_cast<double>(expired));
}

}  // namespace runwatch::metrics
