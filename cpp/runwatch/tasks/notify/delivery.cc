#include "runwatch/tasks/notify/delivery.h"

#include <array>

#include "runwatch/metrics/notification_metrics.h"
#include "runwatch/model/rate_limiter.h"
#include "runwatch/tasks/core/cancelled.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/text.h"

namespace runwatch {
namespace {

// How much of an answer's body a failure message quotes.
constexpr std::size_t kBodyExcerpt = 200;

std::string attempts_text(int attempts) {
  return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

void run_from(std::span<const DeliveryStage> stages, Delivery& delivery) {
  if (stages.empty()) return;
  stages.front()(delivery, [rest = stages.subspan(1)](Delivery& d) { run_from(rest, d); });
}

}  // namespace

TaskResult run_stages(std::span<const DeliveryStage> stages, Delivery& delivery) {
  run_from(stages, delivery);
  return std::move(delivery.result);
}

void record_stage(Delivery& delivery, const DeliveryNext& next) {
  RunContext& ctx = delivery.ctx;
  try {
    next(delivery);
  } catch (const DeliveryFailure& e) {
    metrics::notification_failed(ctx.metrics(), ctx.identity().task_type, e.reason());
    throw;
  }
  metrics::notification_sent(ctx.metrics(), ctx.identity().task_type, delivery.latency);
  ctx.log(LogLevel::DEBUG,
          delivery.receiver + " " + delivery.answer + " in " + std::to_string(delivery.latency.count()) + " ms");
}

void retry_stage(Delivery& delivery, const DeliveryNext& next) {
  try {
    next(delivery);
  } catch (const HttpRetryLater& e) {
    throw RetryLater(delivery.receiver + ": " + e.what() + " (attempt " + std::to_string(e.attempt()) + " of " +
                         std::to_string(delivery.options.retry.max_attempts) + "), trying again in " +
                         format_duration(e.wait()),
                     e.wait());
  }
}

void idempotency_stage(Delivery& delivery, const DeliveryNext& next) {
  std::string key = idempotency_key(delivery.ctx.identity()) + delivery.key_suffix;
  delivery.request.headers.emplace_back("Idempotency-Key", key);
  next(delivery);
  delivery.result.outputs["idempotencyKey"] = std::move(key);
}

void rate_limit_stage(Delivery& delivery, const DeliveryNext& next) {
  RunContext& ctx = delivery.ctx;
  if (RateLimiter* limiter = ctx.rate_limiter()) {
    const TimePoint now = ctx.clock().now();
    const TimePoint slot = limiter->reserve(delivery.endpoint, now);
    if (slot > now) {
      const RateLimit& limit = limiter->limit();
      ctx.log(LogLevel::INFO, delivery.receiver + " takes " + std::to_string(limit.notifications) + " per " +
                                  format_duration(limit.period) + " (kestra.alerts.rate-limit): waiting " +
                                  format_duration(slot - now));
      metrics::notification_rate_limited(ctx.metrics(), ctx.identity().task_type);
      if (!ctx.clock().sleep_until(slot, &ctx.cancellation())) throw cancelled_failure(ctx);
    }
  }
  next(delivery);
}

void http_send_stage(Delivery& delivery, const DeliveryNext& next) {
  RunContext& ctx = delivery.ctx;
  const std::string& who = delivery.receiver;
  HttpResponse response;
  try {
    response =
        HttpClient(delivery.options, ctx.clock(), &ctx.cancellation()).send(delivery.request, ctx.identity().attempt);
  } catch (const HttpCancelled&) {
    throw cancelled_failure(ctx);
  } catch (const HttpError& e) {
    if (e.attempts() == 0) throw DeliveryFailure(who + ": " + e.what(), "unreachable");
    throw DeliveryFailure(who + " could not be reached after " + attempts_text(e.attempts()) + ": " + e.what(),
                          "unreachable");
  }
  if (!response.ok())
    throw DeliveryFailure(who + " answered " + std::to_string(response.status) + " after " +
                              attempts_text(response.attempts) + ": " + excerpt(response.body, kBodyExcerpt),
                          "status");
  delivery.answer = "answered " + std::to_string(response.status) + " after " + attempts_text(response.attempts);
  delivery.latency = response.latency;
  delivery.result.outputs = {
      {"code", response.status}, {"attempts", response.attempts}, {"latencyMs", response.latency.count()}};
  next(delivery);
}

std::span<const DeliveryStage> webhook_stages() {
  static const std::array<DeliveryStage, 5> stages = {record_stage, retry_stage, idempotency_stage, rate_limit_stage,
                                                      http_send_stage};
  return stages;
}

}  // namespace runwatch
