// The stages of a notification's delivery, each on its own: the chain's order, the
// Idempotency-Key, a retryable answer becoming the task's next attempt, the record of the
// outcome, and the wait for a receiver's rate-limited slot on the engine clock.
#include <gtest/gtest.h>

#include <array>
#include <future>
#include <thread>

#include "runwatch/model/rate_limiter.h"
#include "runwatch/tasks/notify/delivery.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = TimePoint(std::chrono::seconds(1'700'000'000));

class DeliveryStages : public ::testing::Test {
 protected:
  ManualClock clock{kStart};
  std::shared_ptr<Cancellation> cancellation = std::make_shared<Cancellation>();
  RunContext ctx{TaskIdentity{"exec-1", "company.team", "etl", 1, "slack",
                              "io.kestra.plugin.slack.SlackIncomingWebhook", "tr-1", 1},
                 Value::object(), clock, cancellation};

  Delivery delivery(std::string endpoint = "https://hooks.example:443/services/T/B/X") {
    return Delivery{.ctx = ctx, .receiver = "Slack webhook", .endpoint = std::move(endpoint)};
  }
  std::vector<std::string> logged(LogLevel level) {
    std::vector<std::string> out;
    for (const auto& entry : ctx.take_logs())
      if (entry.level == level) out.push_back(entry.message);
    return out;
  }
};

const DeliveryNext kNothing = [](Delivery&) {};

TEST_F(DeliveryStages, StagesRunInOrderEachHandingOnToTheNext) {
  std::string trace;
  auto stage = [&trace](char name) {
    return DeliveryStage([&trace, name](Delivery& d, const DeliveryNext& next) {
      trace += name;
      next(d);
      trace += static_cast<char>(std::toupper(name));
    });
  };
  const std::array<DeliveryStage, 3> stages = {stage('a'), stage('b'), stage('c')};
  Delivery d = delivery();
  run_stages(stages, d);
  EXPECT_EQ(trace, "abcCBA");
}

TEST_F(DeliveryStages, AStageThatThrowsEndsTheDeliveryBeforeTheNextOnes) {
  bool sent = false;
  const std::array<DeliveryStage, 2> stages = {[](Delivery&, const DeliveryNext&) { throw TaskFailure("refused"); },
                                               [&sent](Delivery& d, const DeliveryNext& next) {
                                                 sent = true;
                                                 next(d);
                                               }};
  Delivery d = delivery();
  EXPECT_THROW(run_stages(stages, d), TaskFailure);
  EXPECT_FALSE(sent);
}

TEST_F(DeliveryStages, IdempotencyNamesTheTaskRunInTheHeaderAndTheOutputs) {
  Delivery d = delivery();
  d.key_suffix = ":2";
  idempotency_stage(d, [](Delivery& seen) {
    ASSERT_EQ(seen.request.headers.size(), 1u);
    EXPECT_EQ(seen.request.headers[0], (std::pair<std::string, std::string>{"Idempotency-Key", "exec-1:tr-1:2"}));
  });
  EXPECT_EQ(d.result.outputs["idempotencyKey"], "exec-1:tr-1:2");
}

TEST_F(DeliveryStages, ARetryableAnswerBecomesTheTasksNextAttemptAfterTheWait) {
  Delivery d = delivery();
  try {
    retry_stage(d, [](Delivery&) { throw HttpRetryLater("answered 503", 2, 4s); });
    FAIL() << "no retry asked";
  } catch (const RetryLater& e) {
    EXPECT_EQ(std::string(e.what()), "Slack webhook: answered 503 (attempt 2 of 3), trying again in PT4S");
    EXPECT_EQ(e.wait(), 4s);
  }
}

TEST_F(DeliveryStages, ARefusalPassesThroughTheRetryStage) {
  Delivery d = delivery();
  EXPECT_THROW(retry_stage(d, [](Delivery&) { throw DeliveryFailure("Slack webhook answered 400", "status"); }),
               DeliveryFailure);
}

TEST_F(DeliveryStages, TheRecordLogsWhatTheReceiverAnswered) {
  Delivery d = delivery();
  record_stage(d, [](Delivery& sent) {
    sent.answer = "answered 200 after 1 attempt";
    sent.latency = 12ms;
  });
  EXPECT_EQ(logged(LogLevel::DEBUG), (std::vector<std::string>{"Slack webhook answered 200 after 1 attempt in 12 ms"}));
}

TEST_F(DeliveryStages, TheRecordLetsAFailureThroughAndLogsNoAnswer) {
  Delivery d = delivery();
  try {
    record_stage(
        d, [](Delivery&) { throw DeliveryFailure("Slack webhook answered 500 after 3 attempts: down", "status"); });
    FAIL() << "the failure was swallowed";
  } catch (const DeliveryFailure& e) {
    EXPECT_EQ(e.reason(), "status");
  }
  EXPECT_TRUE(logged(LogLevel::DEBUG).empty());
}

TEST_F(DeliveryStages, WithoutARateLimitTheSendGoesAtOnce) {
  Delivery d = delivery();
  bool sent = false;
  rate_limit_stage(d, [&sent](Delivery&) { sent = true; });
  EXPECT_TRUE(sent);
  EXPECT_TRUE(logged(LogLevel::INFO).empty());
}

TEST_F(DeliveryStages, ARateLimitedSendWaitsForItsSlotOnTheEngineClock) {
  RateLimiter limiter({.notifications = 1, .period = 1min});
  ctx.set_rate_limiter(&limiter);
  Delivery first = delivery();
  rate_limit_stage(first, kNothing);
  Delivery other_receiver = delivery("https://hooks.example:443/services/T/B/Y");
  rate_limit_stage(other_receiver, kNothing);
  EXPECT_TRUE(logged(LogLevel::INFO).empty());

  std::promise<TimePoint> sent_at;
  std::thread second([&] {
    Delivery d = delivery();
    rate_limit_stage(d, [&](Delivery&) { sent_at.set_value(clock.now()); });
  });
  auto sent = sent_at.get_future();
  while (clock.parked_sleepers() == 0) std::this_thread::yield();
  clock.advance(59s);
  EXPECT_EQ(sent.wait_for(50ms), std::future_status::timeout);
  clock.advance(1s);
  EXPECT_EQ(sent.get(), kStart + 1min);
  second.join();
  EXPECT_EQ(logged(LogLevel::INFO),
            (std::vector<std::string>{"Slack webhook takes 1 per PT1M (kestra.alerts.rate-limit): waiting PT1M"}));
}

TEST_F(DeliveryStages, AKillEndsTheWaitForASlotAndSendsNothing) {
  RateLimiter limiter({.notifications = 1, .period = 1h});
  ctx.set_rate_limiter(&limiter);
  Delivery first = delivery();
  rate_limit_stage(first, kNothing);
  std::promise<std::string> failed;
  bool sent = false;
  std::thread second([&] {
    Delivery d = delivery();
    try {
      rate_limit_stage(d, [&sent](Delivery&) { sent = true; });
      failed.set_value("");
    } catch (const TaskFailure& e) {
      failed.set_value(e.what());
    }
  });
  while (clock.parked_sleepers() == 0) std::this_thread::yield();
  cancellation->cancel("Execution killed");
  EXPECT_EQ(failed.get_future().get(), "Execution killed");
  second.join();
  EXPECT_FALSE(sent);
}

}  // namespace
}  // namespace runwatch
