#pragma once
// The metrics over time: a thread samples every metric on the engine's clock, each
// `interval`, into a ring buffer of at most `capacity` samplings. On a manual clock the
// samplings happen as tests move time. When the clock jumps past several instants at
// once, one sampling is taken, stamped with the latest of them.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runwatch/metrics/sample.h"
#include "runwatch/model/clock.h"

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
  ~HistorySampler();
  HistorySampler(const HistorySampler&) = delete;
  HistorySampler& operator=(const HistorySampler&) = delete;

  // The samples of the metric `name` (every metric when empty) taken at `since` or later,
  // oldest first.
  std::vector<HistorySample> query(const std::optional<std::string>& name, std::optional<TimePoint> since) const;
  // True once no sampling is due: the next instant is ahead of the clock.
  bool wait_idle(std::chrono::steady_clock::duration timeout) const;
  void stop();

 private:
  struct Frame {
    TimePoint time;
    std::vector<Sample> samples;
  };
  void loop();

  const Clock& clock_;
  const Duration interval_;
  const size_t capacity_;
  Collect collect_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;
  std::deque<Frame> frames_;
  TimePoint next_;
  bool sampling_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace runwatch::metrics
