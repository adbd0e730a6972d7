// The per-receiver rate limit: slots spaced within the period, receivers apart, idle
// receivers forgotten.
#include <gtest/gtest.h>

#include "runwatch/model/rate_limiter.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = TimePoint(std::chrono::seconds(1'700'000'000));

TEST(RateLimiter, AllowsTheLimitThenSpacesSendsByThePeriod) {
  RateLimiter limiter({.notifications = 2, .period = 1min});
  EXPECT_EQ(limiter.reserve("a", kStart), kStart);
  EXPECT_EQ(limiter.reserve("a", kStart), kStart);
  EXPECT_EQ(limiter.reserve("a", kStart), kStart + 1min);
  EXPECT_EQ(limiter.reserve("a", kStart + 10s), kStart + 1min);
  EXPECT_EQ(limiter.reserve("a", kStart + 10s), kStart + 2min);
  EXPECT_EQ(limiter.reserve("a", kStart + 5min), kStart + 5min);
}

TEST(RateLimiter, ReceiversAreCountedApart) {
  RateLimiter limiter({.notifications = 1, .period = 1s});
  EXPECT_EQ(limiter.reserve("https://hooks.slack.com:443/services/A", kStart), kStart);
  EXPECT_EQ(limiter.reserve("https://hooks.slack.com:443/services/B", kStart), kStart);
  EXPECT_EQ(limiter.reserve("https://hooks.slack.com:443/services/A", kStart), kStart + 1s);
}

TEST(RateLimiter, WithoutALimitEverySendGoesNowAndNothingIsKept) {
  RateLimiter limiter({});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.reserve("a", kStart), kStart);
  EXPECT_EQ(limiter.receivers(), 0u);
}

TEST(RateLimiter, ReceiversIdleForAPeriodAreForgotten) {
  RateLimiter limiter({.notifications = 1, .period = 1min});
  limiter.reserve("busy", kStart + 30s);
  for (int i = 1; i < 1024; ++i) limiter.reserve("idle-" + std::to_string(i), kStart);
  EXPECT_EQ(limiter.receivers(), 1024u);
  EXPECT_EQ(limiter.reserve("new", kStart + 61s), kStart + 61s);
  EXPECT_EQ(limiter.receivers(), 2u);  // busy (its period runs to 90 s) and new
  EXPECT_EQ(limiter.reserve("busy", kStart + 61s), kStart + 90s);
  EXPECT_EQ(limiter.reserve("idle-1", kStart + 61s), kStart + 61s);
}

}  // namespace
}  // namespace runwatch
