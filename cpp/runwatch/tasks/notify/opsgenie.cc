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
  details.update(alert_details(s));
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

HttpHeaders authorization(RunContext&, const Value& properties, const HttpRequest&) {
  if (auto token = optional_string(properties, "authorizationToken")) return {{"Authorization", *token}};
  return {};
}

PropertySpec token_property() {
  return {.name = "authorizationToken",
          .type = PropertyType::String,
          .description = "Sent as the Authorization header, e.g. \"GenieKey <api key>\"."};
}

}  // namespace

std::shared_ptr<const TaskType> make_opsgenie_alert_task() {
  return make_notifier({.name = "io.kestra.plugin.opsgenie.OpsgenieAlert",
                        .aliases = {"io.kestra.plugin.notifications.opsgenie.OpsgenieAlert"},
                        .description = "Creates an Opsgenie alert.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .properties = {payload_property("The alert as JSON."), token_property()},
                        .headers = authorization});
}

std::shared_ptr<const TaskType> make_opsgenie_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.opsgenie.OpsgenieExecution",
       .aliases = {"io.kestra.plugin.notifications.opsgenie.OpsgenieExecution"},
       .description =
           "Creates an Opsgenie alert summarizing an execution: details for the namespace, flow, execution, state, "
           "final task and custom fields, and a description with the outcome and a link when kestra.url is set.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .properties = {{.name = "message",
                       .type = PropertyType::String,
                       .description = "The alert's message; the execution's headline by default."},
                      {.name = "alias",
                       .type = PropertyType::String,
                       .description = "The alert's alias, for deduplication."},
                      {.name = "responders",
                       .type = PropertyType::Map,
                       .description = "Responders, as a map of id to type (team, user, ...)."},
                      {.name = "visibleTo",
                       .type = PropertyType::Map,
                       .description = "Who sees the alert, as a map of id to type."},
                      {.name = "tags", .type = PropertyType::StringList, .description = "The alert's tags."},
                      {.name = "priority", .type = PropertyType::String, .description = "P1 to P5."},
                      token_property()},
       .summarizes_execution = true,
       .payload = execution_payload,
       .headers = authorization});
}

}  // namespace runwatch
