#pragma once
// The source of time for everything that schedules, waits or measures. The system clock
// follows real time; the manual clock moves only when told, so tests drive schedules,
// retries, timeouts and sleeps without waiting.
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "runwatch/model/cancellation.h"
#include "runwatch/model/time.h"

namespace runwatch {

class Clock {
 public:
  // Keeps a wake-up registered with the clock while it lives.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(const Clock* owner, int id) : owner_(owner), id_(id) {}
    Subscription(Subscription&& o) noexcept : owner_(o.owner_), id_(o.id_) { o.owner_ = nullptr; }
    Subscription& operator=(Subscription&&) = delete;
    ~Subscription();

   private:
    const Clock* owner_ = nullptr;
    int id_ = 0;
  };

  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  virtual bool is_manual() const = 0;

  // Waits on cv (lock held) until notified or until the clock reaches deadline. May
  // return early; callers loop on their own condition. A manual clock's waiters must
  // hold a subscription (on_advance) that notifies cv, or they sleep until notified.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                          TimePoint deadline) const = 0;

  // fn is called each time a manual clock moves (never for the system clock). It runs
  // under the clock's lock: it must only notify.
  [[nodiscard]] Subscription on_advance(std::function<void()> fn) const;

  // Sleeps until the clock reaches deadline. Returns false if cancelled first.
  bool sleep_until(TimePoint deadline, Cancellation* cancellation = nullptr) const;
  // How many threads sleep in sleep_until towards a deadline still ahead, uncancelled:
  // on a manual clock they wait for the test to move time, so the engine counts them as
  // idle. A sleeper whose deadline has passed is awake even before its thread runs.
  int parked_sleepers() const;

 protected:
  void notify_advance() const;

 private:
  mutable std::mutex subscribers_mutex_;
  mutable int next_id_ = 0;
  mutable std::map<int, std::function<void()>> subscribers_;
  struct Sleeper {
    TimePoint deadline;
    const Cancellation* cancellation;
  };
  mutable std::map<int, Sleeper> sleepers_;  // guarded by subscribers_mutex_
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  bool is_manual() const override { return false; }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start);
  TimePoint now() const override;
  bool is_manual() const override { return true; }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) const override;
  void advance(Duration d);
  void set(TimePoint t);  // never backwards

 private:
  mutable std::mutex mutex_;
  TimePoint now_;
};

std::shared_ptr<Clock> system_clock();

}  // namespace runwatch
