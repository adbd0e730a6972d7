#pragma once
// Runs a job on its own thread at each multiple of `interval` on a clock, the first at
// clock.now() + interval. On a manual clock the job runs as tests move time; when the
// clock jumps past several instants at once, it runs once, with the latest of them.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "runwatch/model/clock.h"

namespace runwatch {

class PeriodicJob {
 public:
  using Job = std::function<void(TimePoint at)>;
  // Throws Error for an interval that is not positive.
  PeriodicJob(const Clock& clock, Duration interval, Job job);
  ~PeriodicJob();
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

  // True once no run is due: the next instant is ahead of the clock.
  bool wait_idle(std::chrono::steady_clock::duration timeout) const;
  // Waits for a run in progress, then ends the thread.
  void stop();

 private:
  void loop();

  const Clock& clock_;
  const Duration interval_;
  Job job_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  mutable std::condition_variable idle_cv_;
  TimePoint next_;
  bool running_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace runwatch
