#pragma once
// A per-receiver rate limit (kestra.alerts.rate-limit, beyond Kestra): at most `notifications`
// sends to one receiver in any `period`, as a chat webhook allows (Slack: one message a
// second per webhook). A send reserves the receiver's next free slot, so that senders
// waiting at once are spaced out rather than released together.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runwatch/model/time.h"

namespace runwatch {

// Each receiver keeps its last `notifications` slots: the bound keeps that small.
inline constexpr int kMaxRateLimitNotifications = 10'000;

struct RateLimit {
  int notifications = 0;  // 0: no limit; at most kMaxRateLimitNotifications
  Duration period = std::chrono::minutes(1);

  bool enabled() const { return notifications > 0; }
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit);

  // Reserves a send to `receiver` and says when it may go: `now`, or the end of the period
  // that began with the send `notifications` places earlier. The slot is taken even if the
  // caller gives up waiting for it.
  TimePoint reserve(const std::string& receiver, TimePoint now);

  const RateLimit& limit() const { return limit_; }
  // How many receivers it remembers: those with a send in the last period, and at most as
  // many others as were seen since the last sweep.
  std::size_t receivers() const;

 private:
  void forget_idle(TimePoint now);

  RateLimit limit_;
  mutable std::mutex mutex_;
  // A receiver's last `notifications` slots, in a ring: `oldest` is the next one replaced
  // once it is full.
  struct Slots {
    std::vector<TimePoint> times;
    std::size_t oldest = 0;
    TimePoint last() const { return times[(oldest + times.size() - 1) % times.size()]; }
  };
  std::unordered_map<std::string, Slots> slots_;
  std::size_t sweep_at_;
};

}  // namespace runwatch
