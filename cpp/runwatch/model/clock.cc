#include "runwatch/model/clock.h"

namespace runwatch {

Clock::Subscription::~Subscription() {
  if (!owner_) return;
  std::lock_guard lock(owner_->subscribers_mutex_);
  owner_->subscribers_.erase(id_);
}

Clock::Subscription Clock::on_advance(std::function<void()> fn) const {
  std::lock_guard lock(subscribers_mutex_);
  int id = ++next_id_;
  subscribers_.emplace(id, std::move(fn));
  return Subscription(this, id);
}

int Clock::parked_sleepers() const {
  auto t = now();
  std::lock_guard lock(subscribers_mutex_);
  int parked = 0;
  for (const auto& [id, s] : sleepers_)
    if (s.deadline > t && !(s.cancellation && s.cancellation->cancelled())) ++parked;
  return parked;
}

void Clock::notify_advance() const {
  std::lock_guard lock(subscribers_mutex_);
  for (auto& [id, fn] : subscribers_) fn();
}

bool Clock::sleep_until(TimePoint deadline, Cancellation* cancellation) const {
  std::mutex mutex;
  std::condition_variable cv;
  auto wake = [&] {
    std::lock_guard l(mutex);
    cv.notify_all();
  };
  Subscription advanced = on_advance(wake);
  auto cancelled = cancellation ? cancellation->on_cancel(wake) : Cancellation::Subscription();
  int id;
  {
    std::lock_guard l(subscribers_mutex_);
    id = ++next_id_;
    sleepers_.emplace(id, Sleeper{deadline, cancellation});
  }
  struct Awake {
    const Clock& clock;
    int id;
    ~Awake() {
      std::lock_guard l(clock.subscribers_mutex_);
      clock.sleepers_.erase(id);
    }
  } awake{*this, id};
  std::unique_lock lock(mutex);
  while (now() < deadline) {
    if (cancellation && cancellation->cancelled()) return false;
    wait_until(lock, cv, deadline);
  }
  return !(cancellation && cancellation->cancelled());
}

void SystemClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                             TimePoint deadline) const {
  cv.wait_until(lock, deadline);
}

ManualClock::ManualClock(TimePoint start) : now_(start) {}

TimePoint ManualClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

void ManualClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                             TimePoint deadline) const {
  if (now() < deadline) cv.wait(lock);
}

void ManualClock::advance(Duration d) {
  {
    std::lock_guard lock(mutex_);
    now_ += d;
  }
  notify_advance();
}

void ManualClock::set(TimePoint t) {
  {
    std::lock_guard lock(mutex_);
    if (t > now_) now_ = t;
  }
  notify_advance();
}

std::shared_ptr<Clock> system_clock() {
  static auto clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace runwatch
