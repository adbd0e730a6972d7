// Squadcast: an incident webhook posting the flow's own payload, and the execution summary
// as an incident shaped like Kestra's squadcast-template.peb, SquadcastTemplate's
// properties over it.
//
// Kestra's SquadcastIncomingWebhook renders its payload twice and sends no options.headers;
// runwatch renders it once, as every other notifier (a value that prints "{{ ... }}" is not
// rendered again), and sends the headers.
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Squadcast webhook";
constexpr const char* kUrlDescription =
    "The Squadcast incident webhook URL, with its token: https://api.squadcast.com/v2/incidents/api/<token>.";

// The template's, with its "&rarr;". It leaves the custom message and fields out: runwatch
// adds them after the duration.
std::string description_of(const ExecutionSummary& s) {
  return linked_headline(s, "&rarr;") + "\nFinal task ID: " + s.last_task.value_or("") + "\nStatus: " + verdict(s) +
         "\nDuration: " + format_hms(s.duration) + custom_lines(s);
}

// A map of tag to value, or its JSON text (a template that rendered to one); values as text.
Value tags_of(const Value& tags) {
  Value map = tags.is_string() ? parse_json_or_discarded(tags.get<std::string>()) : tags;
  if (!map.is_object()) throw TaskFailure("Property 'tags' must be a map of tag to value, got " + dump_json(tags));
  Value out = Value::object();
  for (auto it = map.begin(); it != map.end(); ++it) out[it.key()] = to_text(it.value());
  return out;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  Value incident = {{"description", description_of(s)}, {"message", to_text(required_property(properties, "message"))}};
  static const std::pair<const char*, const char*> kFields[] = {
      {"priority", "priority"}, {"eventId", "event_id"}, {"status", "status"}};
  for (const auto& [property, key] : kFields)
    if (auto value = optional_string(properties, property)) incident[key] = *value;
  if (const Value* tags = find_property(properties, "tags"); tags && !tags->empty()) incident["tags"] = tags_of(*tags);
  return dump_json(incident);
}

}  // namespace

std::shared_ptr<const TaskType> make_squadcast_incoming_webhook_task() {
  return make_notifier({.name = "io.kestra.plugin.squadcast.SquadcastIncomingWebhook",
                        .aliases = {"io.kestra.plugin.notifications.squadcast.SquadcastIncomingWebhook"},
                        .description = "Posts an incident event (trigger or resolve) to a Squadcast webhook.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .secret_properties = {"url"},
                        .properties = {payload_property("The incident as JSON (message, status, event_id...).")}});
}

std::shared_ptr<const TaskType> make_squadcast_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.squadcast.SquadcastExecution",
       .aliases = {"io.kestra.plugin.notifications.squadcast.SquadcastExecution"},
       .description = "Posts a summary of an execution to a Squadcast webhook as an incident: the message, and a "
                      "description with the namespace, flow, state (linked when kestra.url is set), final task, "
                      "outcome, duration and custom fields.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .secret_properties = {"url"},
       .properties = {{.name = "message",
                       .type = PropertyType::String,
                       .required = true,
                       .description = "The incident's message."},
                      {.name = "priority",
                       .type = PropertyType::String,
                       .description = "P1 to P5; Squadcast takes any other value as unset."},
                      {.name = "eventId",
                       .type = PropertyType::String,
                       .description = "Correlates the trigger and the resolve of an incident."},
                      {.name = "status", .type = PropertyType::String, .description = "trigger or resolve."},
                      {.name = "tags", .type = PropertyType::Map, .description = "Tags of the incident."},
                      replaced_property("payload", "SquadcastIncomingWebhook")},
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
