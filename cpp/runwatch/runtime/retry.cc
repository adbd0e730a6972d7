#include "runwatch/runtime/retry.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace runwatch {
namespace {

Duration delay_before(const RetryPolicy& policy, int attempts_done) {
  switch (policy.kind) {
    case RetryPolicy::Kind::Constant:
      return policy.interval;
    case RetryPolicy::Kind::Exponential: {
      double factor = std::pow(policy.delay_factor, std::max(0, attempts_done - 1));
      auto delay = std::chrono::duration_cast<Duration>(policy.interval * factor);
      return policy.max_interval > Duration::zero() ? std::min(delay, policy.max_interval) : delay;
    }
    case RetryPolicy::Kind::Random: {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      auto low = policy.min_interval.count(), high = std::max(policy.max_interval.count(), low);
      return Duration(std::uniform_int_distribution<Duration::rep>(low, high)(rng));
    }
  }
  return policy.interval;
}

}  // namespace

std::optional<TimePoint> next_retry_date(const RetryPolicy& policy, int attempts_done, TimePoint first_start,
                                         TimePoint now) {
  if (policy.max_attempt && attempts_done >= *policy.max_attempt) return std::nullopt;
  TimePoint next = now + delay_before(policy, attempts_done);
  if (policy.max_duration && next > first_start + *policy.max_duration) return std::nullopt;
  return next;
}

}  // namespace runwatch
