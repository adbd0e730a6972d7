#include "runwatch/model/rate_limiter.h"

#include <algorithm>

namespace runwatch {
namespace {

// Receivers remembered before idle ones are swept: a sweep is linear, so it runs when the
// map has doubled since the last one.
constexpr std::size_t kFirstSweep = 1024;

}  // namespace

RateLimiter::RateLimiter(RateLimit limit) : limit_(limit), sweep_at_(kFirstSweep) {}

TimePoint RateLimiter::reserve(const std::string& receiver, TimePoint now) {
  if (!limit_.enabled()) return now;
  std::lock_guard lock(mutex_);
  if (slots_.size() >= sweep_at_) forget_idle(now);
  Slots& slots = slots_[receiver];
  if (slots.times.size() < static_cast<std::size_t>(limit_.notifications)) {
    slots.times.push_back(now);
    return now;
  }
  TimePoint& oldest = slots.times[slots.oldest];
  oldest = std::max(now, oldest + limit_.period);
  slots.oldest = (slots.oldest + 1) % slots.times.size();
  return oldest;
}

std::size_t RateLimiter::receivers() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

void RateLimiter::forget_idle(TimePoint now) {
  std::erase_if(slots_, [&](const auto& entry) { return entry.second.last() + limit_.period <= now; });
  sweep_at_ = std::max(kFirstSweep, slots_.size() * 2);
}

}  // namespace runwatch
