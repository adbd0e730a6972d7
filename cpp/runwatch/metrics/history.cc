#include "runwatch/metrics/history.h"

#include "runwatch/model/error.h"

namespace runwatch::metrics {

HistorySampler::HistorySampler(const Clock& clock, Duration interval, size_t capacity, Collect collect)
    : clock_(clock), interval_(interval), capacity_(capacity), collect_(std::move(collect)) {
  if (interval_ <= Duration::zero()) throw Error("the metrics history interval must be positive");
  if (capacity_ == 0) throw Error("the metrics history must keep at least one sampling");
  next_ = clock_.now() + interval_;
  thread_ = std::thread([this] { loop(); });
}

HistorySampler::~HistorySampler() { stop(); }

void HistorySampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HistorySampler::loop() {
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
    sampling_ = true;
    lock.unlock();
    auto samples = collect_();
    lock.lock();
    frames_.push_back({at, std::move(samples)});
    if (frames_.size() > capacity_) frames_.pop_front();
    sampling_ = false;
    idle_cv_.notify_all();
  }
}

bool HistorySampler::wait_idle(std::chrono::steady_clock::duration timeout) const {
  std::unique_lock lock(mutex_);
  // The sampler wakes on the clock's notification; look again every millisecond as the
  // executor does, since the clock may move between our checks.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!stopping_ && (sampling_ || clock_.now() >= next_)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    idle_cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
  return true;
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
