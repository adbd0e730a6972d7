#include "runwatch/metrics/history.h"

#include "runwatch/model/error.h"

namespace runwatch::metrics {

namespace {
Duration checked_interval(Duration interval, size_t capacity) {
  if (interval <= Duration::zero()) throw Error("the metrics history interval must be positive");
  if (capacity == 0) throw Error("the metrics history must keep at least one sampling");
  return interval;
}
}  // namespace

HistorySampler::HistorySampler(const Clock& clock, Duration interval, size_t capacity, Collect collect)
    : capacity_(capacity),
      collect_(std::move(collect)),
      job_(clock, checked_interval(interval, capacity), [this](TimePoint at) { sample(at); }) {}

void HistorySampler::sample(TimePoint at) {
  auto samples = collect_();
  std::lock_guard lock(mutex_);
  frames_.push_back({at, std::move(samples)});
  if (frames_.size() > capacity_) frames_.pop_front();
}

std::vector<HistorySample> HistorySampler::query(const std::optional<std::string>& name,
                                                 std::optional<TimePoint> since) const {
  std::lock_guard lock(mutex_);
  std::vector<HistorySample> out;
  for (const auto& frame : frames_) {
    if (since && frame.time < *since) continue;
    for (const auto& s : frame.samples)
      if (!name || sample_of_metric(s, *name)) out.push_back({frame.time, s});
  }
  return out;
}

}  // namespace runwatch::metrics
