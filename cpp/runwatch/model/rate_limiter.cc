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
  auto& slots = slots_[receiver];
  TimePoint at = now;
  if (slots.size() == static_cast<std::size_t>(limit_.notifications)) {
    at = std::max(now, slots.front() + limit_.period);
    slots.pop_front();
  }
  slots.push_back(at);
  return at;
}

std::size_t RateLimiter::receivers() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

void RateLimiter::forget_idle(TimePoint now) {
  std::erase_if(slots_, [&](const auto& entry) { return entry.second.back() + limit_.period <= now; });
  sweep_at_ = std::max(kFirstSweep, slots_.size() * 2);
}

}  // namespace runwatch
