#include "runwatch/metrics/metrics.h"

#include <prometheus/metric_family.h>

#include "runwatch/metrics/process_metrics.h"
#include "runwatch/metrics/text_format.h"
#include "runwatch/metrics/text_parser.h"

namespace runwatch::metrics {

Metrics::Metrics(const Clock& clock, MetricsOptions options) : registry_(options.prefix, options.tags) {
  if (!options.enabled) return;
  catalog_ = std::make_unique<Catalog>(registry_);
  history_ = std::make_unique<HistorySampler>(clock, options.history_interval, options.history_capacity,
                                              [this] { return snapshot(); });
}

Metrics::~Metrics() { stop(); }

void Metrics::stop() {
  if (history_) history_->stop();
}

void Metrics::set_refresh(std::function<void()> refresh) {
  std::lock_guard lock(refresh_mutex_);
  refresh_ = std::move(refresh);
}

std::string Metrics::prometheus_text() const {
  {
    std::lock_guard lock(refresh_mutex_);
    if (refresh_) refresh_();
  }
  auto text = registry_.text();
  append_families(text, process_metrics(registry_.common_tags()));
  return text;
}

// Read back from the exposition, so a snapshot holds exactly what a scrape would see.
std::vector<Sample> Metrics::snapshot() const { return parse_text(prometheus_text()); }

std::vector<HistorySample> Metrics::history(const std::optional<std::string>& name,
                                            std::optional<TimePoint> since) const {
  if (!history_) return {};
  return history_->query(name, since);
}

bool Metrics::wait_idle(std::chrono::steady_clock::duration timeout) const {
  return !history_ || history_->wait_idle(timeout);
}

}  // namespace runwatch::metrics
