#pragma once
// The metrics over time: every metric sampled on the engine's clock, each `interval`
// (a PeriodicJob), into a ring buffer of at most `capacity` samplings.
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/metrics/sample.h"
#include "runwatch/model/clock.h"
#include "runwatch/model/periodic_job.h"

namespace runwatch::metrics {

struct HistorySample {
  TimePoint time;
  Sample sample;
};

class HistorySampler {
 public:
  using Collect = std::function<std::vector<Sample>()>;
  // Starts the thread; the first sampling is at clock.now() + interval.
  HistorySampler(const Clock& clock, Duration interval, size_t capacity, Collect collect);
  HistorySampler(const HistorySampler&) = delete;
  HistorySampler& operator=(const HistorySampler&) = delete;

  // The samples of the metric `name` (every metric when empty) taken at `since` or later,
  // oldest first.
  std::vector<HistorySample> query(const std::optional<std::string>& name, std::optional<TimePoint> since) const;
  // True once no sampling is due: the next instant is ahead of the clock.
  bool wait_idle(std::chrono::steady_clock::duration timeout) const { return job_.wait_idle(timeout); }
  void stop() { job_.stop(); }

 private:
  struct Frame {
    TimePoint time;
    std::vector<Sample> samples;
  };
  void sample(TimePoint at);

  const size_t capacity_;
  Collect collect_;
  mutable std::mutex mutex_;
  std::deque<Frame> frames_;
  PeriodicJob job_;  // last: its thread stops before the frames go
};

}  // namespace runwatch::metrics
