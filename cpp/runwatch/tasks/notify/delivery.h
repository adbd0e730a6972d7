#pragma once
// A notification's way out, as a chain of stages (as Alertmanager's notify pipeline): each
// stage does one thing, then hands the delivery on to the next one or ends it by throwing.
// For a webhook: record (metrics, the log line), retry (a 429 or 5xx answer becomes the
// task's next attempt, on the executor's clock, no thread held), idempotency (the
// Idempotency-Key header), rate limit (the receiver's next free slot), send. Mail runs
// record, rate limit and its own send. Silences are judged before: a silenced alert or
// source execution never starts a notification.
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "runwatch/net/http_client.h"
#include "runwatch/tasks/task.h"

namespace runwatch {

struct Delivery {
  RunContext& ctx;
  // How messages name the other end: "Slack webhook", "Mail server smtp.example.com".
  std::string receiver;
  // Whom the rate limit counts sends to: the URL without its query, "smtp://host:port".
  std::string endpoint;
  // A webhook's request and client options (the HTTP stages' own).
  HttpRequest request;
  HttpClientOptions options;
  std::string key_suffix;  // after the task run's Idempotency-Key: ":2" for a second message
  // Set by the send stage: what the receiver answered (for the log) and how long it took.
  std::string answer;
  std::chrono::milliseconds latency{0};
  TaskResult result;  // its outputs
};

// Thrown by a send stage when the receiver did not take the notification; `reason` is the
// notification metric's: "unreachable" (no answer) or "status" (a refusal).
class DeliveryFailure : public TaskFailure {
 public:
  DeliveryFailure(const std::string& message, std::string reason) : TaskFailure(message), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

using DeliveryNext = std::function<void(Delivery&)>;
using DeliveryStage = std::function<void(Delivery&, const DeliveryNext& next)>;

// Runs the stages in order, the last one's `next` doing nothing; returns the result.
TaskResult run_stages(std::span<const DeliveryStage> stages, Delivery& delivery);

// Counts the notification sent (with its latency) or failed (DeliveryFailure's reason), and
// logs the answer at DEBUG.
void record_stage(Delivery& delivery, const DeliveryNext& next);
// A send worth trying again (HttpRetryLater) becomes RetryLater: the executor makes the
// task's next attempt after the wait.
void retry_stage(Delivery& delivery, const DeliveryNext& next);
// The Idempotency-Key header, stable across attempts and restarts (the task run's id and
// key_suffix), also in the outputs as idempotencyKey.
void idempotency_stage(Delivery& delivery, const DeliveryNext& next);
// Waits on the engine clock for the endpoint's slot under kestra.alerts.rate-limit (logged
// at INFO when it waits); a kill or a timeout ends the wait. Without a limit it only passes on.
void rate_limit_stage(Delivery& delivery, const DeliveryNext& next);
// One attempt of the request: a 2xx answer is delivered (outputs code, attempts,
// latencyMs); no answer or another status is a DeliveryFailure, HttpRetryLater passes up.
void http_send_stage(Delivery& delivery, const DeliveryNext& next);

// record, retry, idempotency, rate limit, send.
std::span<const DeliveryStage> webhook_stages();

}  // namespace runwatch
