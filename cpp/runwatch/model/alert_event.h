#pragma once
// One entry of the alert history (beyond Kestra): a decision about a notification, as the
// store records it and the API and Python list it. The alerting triggers decide `fired`,
// `grouped`, `repeated`, `resolved` and `suppressed` (alert_book.h's AlertDecision); a Flow
// trigger whose source execution a silence matches, `suppressed`; every notifier task run
// that ends, `delivered` or `failed`, whatever started its execution (an alerting trigger, a
// Flow trigger, or an `errors` branch of the failing flow itself).
#include <optional>
#include <string>

#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch {

struct AlertEvent {
  TimePoint date{};
  std::string status;
  // The flow that notifies (an alerting or monitoring flow, or the failing flow of an
  // `errors` branch) and its trigger (empty for an `errors` branch).
  std::string alert_ns, alert_flow_id, trigger_id;
  // The flow and execution the notification is about: the group's (its last execution),
  // or the source execution's.
  std::string ns, flow_id, execution_id;
  std::string group_key;  // alerting triggers
  Value labels = Value::object();
  std::string notification_id;  // the execution that notifies
  std::string task_id;          // delivered, failed: the notifier task
  // first, new, repeat or resolved (the notification's); the silence; why delivery failed.
  std::string reason;
  std::string idempotency_key;  // delivered, failed: the request's Idempotency-Key

  std::string alert() const { return alert_ns + "." + alert_flow_id; }
  bool operator==(const AlertEvent&) const = default;
};

// The API's shape: date, status, alert {namespace, flowId, triggerId}, namespace, flowId,
// executionId, groupKey, labels, notificationExecutionId, taskId, reason, idempotencyKey.
Value to_json(const AlertEvent& event);
// Throws std::invalid_argument for a document to_json did not write.
AlertEvent alert_event_from_json(const Value& json);

}  // namespace runwatch
