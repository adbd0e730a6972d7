#pragma once
// A cancellation signal shared by the executor and a running task: a kill or a timeout
// sets it, and whatever the task waits on (a sleep, a child process) is woken.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace runwatch {

class Cancellation {
 public:
  // Removes its callback when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Cancellation* owner, int id) : owner_(owner), id_(id) {}
    Subscription(Subscription&& o) noexcept : owner_(o.owner_), id_(o.id_) { o.owner_ = nullptr; }
    Subscription& operator=(Subscription&&) = delete;
    ~Subscription();

   private:
    Cancellation* owner_ = nullptr;
    int id_ = 0;
  };

  // First call wins; later calls keep the first reason.
  void cancel(std::string reason);
  // Lock-free, so waiters may check it while holding their own locks.
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  std::string reason() const;
  // Calls fn when cancelled (at once if already). fn runs under an internal lock: it must
  // be short and must not touch this Cancellation.
  [[nodiscard]] Subscription on_cancel(std::function<void()> fn);

 private:
  mutable std::mutex mutex_;
  std::atomic<bool> cancelled_{false};
  std::string reason_;
  int next_id_ = 0;
  std::map<int, std::function<void()>> callbacks_;
};

}  // namespace runwatch
