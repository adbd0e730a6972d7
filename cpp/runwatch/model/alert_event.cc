#include "runwatch/model/alert_event.h"

#include <stdexcept>

namespace runwatch {

Value to_json(const AlertEvent& e) {
  return {{"date", format_instant(e.date)},
          {"status", e.status},
          {"alert", {{"namespace", e.alert_ns}, {"flowId", e.alert_flow_id}, {"triggerId", e.trigger_id}}},
          {"namespace", e.ns},
          {"flowId", e.flow_id},
          {"executionId", e.execution_id},
          {"groupKey", e.group_key},
          {"labels", e.labels},
          {"notificationExecutionId", e.notification_id},
          {"taskId", e.task_id},
          {"reason", e.reason},
          {"idempotencyKey", e.idempotency_key}};
}

AlertEvent alert_event_from_json(const Value& json) {
  try {
    auto date = parse_instant(json.at("date").get<std::string>());
    if (!date) throw std::invalid_argument("alert event: bad date");
    const Value& alert = json.at("alert");
    return {.date = *date,
            .status = json.at("status").get<std::string>(),
            .alert_ns = alert.at("namespace").get<std::string>(),
            .alert_flow_id = alert.at("flowId").get<std::string>(),
            .trigger_id = alert.at("triggerId").get<std::string>(),
            .ns = json.at("namespace").get<std::string>(),
            .flow_id = json.at("flowId").get<std::string>(),
            .execution_id = json.at("executionId").get<std::string>(),
            .group_key = json.at("groupKey").get<std::string>(),
            .labels = json.at("labels"),
            .notification_id = json.at("notificationExecutionId").get<std::string>(),
            .task_id = json.at("taskId").get<std::string>(),
            .reason = json.at("reason").get<std::string>(),
            .idempotency_key = json.at("idempotencyKey").get<std::string>()};
  } catch (const Value::exception& e) {
    throw std::invalid_argument(std::string("alert event: ") + e.what());
  }
}

}  // namespace runwatch
