// Opsgenie: an alert with the flow's own payload, and the execution summary as an alert
// (after Kestra's opsgenie-template.peb and OpsgenieTemplate).
#include "runwatch/tasks/core/properties.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Opsgenie";
constexpr const char* kUrlDescription = "The Opsgenie alert API URL, e.g. https://api.opsgenie.com/v2/alerts.";

// Kestra's `responders` and `visibleTo`: a map of id to type, sent as [{id, type}].
Value id_type_list(const Value& properties, std::string_view name) {
  const Value& map = *find_property(properties, name);
  if (!map.is_object()) throw TaskFailure("Property '" + std::string(name) + "' must be a map of id to type");
  Value list = Value::array();
  for (auto it = map.begin(); it != map.end(); ++it) list.push_back({{"id", it.key()}, {"type", to_text(it.value())}});
  return list;
}

Value details_of(const ExecutionSummary& s) {
  Value details = {{"Namespace", s.ns},
                   {"Flow ID", s.flow_id},
                   {"Execution ID", s.execution_id},
                   {"Execution Status", std::string(to_string(s.state))},
                   {"Final task ID", s.last_task.value_or("")}};
  // Opsgenie details are text.
  for (auto it = s.custom_fields.begin(); it != s.custom_fields.end(); ++it) details[it.key()] = to_text(it.value());
  return details;
}

std::string description_of(const ExecutionSummary& s) {
  std::string text = headline(s) + " - Final task ID " + s.last_task.value_or("") + "\n" + outcome(s);
  if (s.custom_message) text += "\n" + *s.custom_message;
  if (s.link) text += "\n" + *s.link;
  return text;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  // Opsgenie requires a message: the headline unless the flow gives one.
  Value alert = {{"message", string_or(properties, "message", headline(s))}};
  if (auto alias = optional_string(properties, "alias")) alert["alias"] = *alias;
  for (const char* name : {"responders", "visibleTo"})
    if (find_property(properties, name)) alert[name] = id_type_list(properties, name);
  if (const Value* tags = find_property(properties, "tags")) alert["tags"] = to_string_list(*tags, "tags");
  if (auto priority = optional_string(properties, "priority")) alert["priority"] = *priority;
  alert["description"] = description_of(s);
  alert["details"] = details_of(s);
  return dump_json(alert);
}

HttpHeaders authorization(const Value& properties) {
  if (auto token = optional_string(properties, "authorizationToken")) return {{"Authorization", *token}};
  return {};
}

PropertySpec token_property() {
  return {"authorizationToken", PropertyType::String, false,
          "Sent as the Authorization header, e.g. \"GenieKey <api key>\".", nullptr, {}};
}

}  // namespace

std::shared_ptr<const TaskType> make_opsgenie_alert_task() {
  NotificationChannel channel;
  channel.receiver = kReceiver;
  channel.payload = [](RunContext&, const Value& properties) { return json_property(properties, "payload"); };
  channel.headers = authorization;
  auto& s = channel.schema;
  s.name = "io.kestra.plugin.notifications.opsgenie.OpsgenieAlert";
  s.description = "Creates an Opsgenie alert.";
  s.properties = {url_property(kUrlDescription), payload_property("The alert as JSON."), token_property(),
                  options_property()};
  return make_notification_task(std::move(channel));
}

std::shared_ptr<const TaskType> make_opsgenie_execution_task() {
  NotificationChannel channel;
  channel.receiver = kReceiver;
  channel.payload = execution_payload;
  channel.headers = authorization;
  auto& s = channel.schema;
  s.name = "io.kestra.plugin.notifications.opsgenie.OpsgenieExecution";
  s.description =
      "Creates an Opsgenie alert summarizing an execution: details for the namespace, flow, execution, state, final "
      "task and custom fields, and a description with the outcome and a link when kestra.url is set.";
  s.properties = {url_property(kUrlDescription),
                  {"message", PropertyType::String, false, "The alert's message; the execution's headline by default.",
                   nullptr, {}},
                  {"alias", PropertyType::String, false, "The alert's alias, for deduplication.", nullptr, {}},
                  {"responders", PropertyType::Map, false, "Responders, as a map of id to type (team, user, ...).",
                   nullptr, {}},
                  {"visibleTo", PropertyType::Map, false, "Who sees the alert, as a map of id to type.", nullptr, {}},
                  {"tags", PropertyType::StringList, false, "The alert's tags.", nullptr, {}},
                  {"priority", PropertyType::String, false, "P1 to P5.", nullptr, {}},
                  token_property()};
  for (auto& p : execution_properties()) s.properties.push_back(std::move(p));
  s.properties.push_back(options_property());
  return make_notification_task(std::move(channel));
}

}  // namespace runwatch
