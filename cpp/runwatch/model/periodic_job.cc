#include "runwatch/model/periodic_job.h"

#include "runwatch/model/error.h"

namespace runwatch {

PeriodicJob::PeriodicJob(const Clock& clock, Duration interval, Job job)
    : clock_(clock), interval_(interval), job_(std::move(job)) {
  if (interval_ <= Duration::zero()) throw Error("a periodic job's interval must be positive");
  next_ = clock_.now() + interval_;
  thread_ = std::thread([this] { loop(); });
}

PeriodicJob::~PeriodicJob() { stop(); }

void PeriodicJob::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicJob::loop() {
  auto advanced = clock_.on_advance([this] {
    std::lock_guard lock(mutex_);
    cv_.notify_all();
  });
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto now = clock_.now();
    if (now < next_) {
      clock_.wait_until(lock, cv_, next_);
      continue;
    }
    next_ += interval_ * ((now - next_) / interval_);  // the latest instant not after now
    TimePoint at = next_;
    next_ += interval_;
    running_ = true;
    lock.unlock();
    job_(at);
    lock.lock();
    running_ = false;
    idle_cv_.notify_all();
  }
}

bool PeriodicJob::wait_idle(std::chrono::steady_clock::duration timeout) const {
  std::unique_lock lock(mutex_);
  // The thread wakes on the clock's notification; look again every millisecond as the
  // executor does, since the clock may move between our checks.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!stopping_ && (running_ || clock_.now() >= next_)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    idle_cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace runwatch
