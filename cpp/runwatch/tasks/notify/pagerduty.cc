// PagerDuty: an Events API v2 alert with the flow's own payload, and the execution
// summary as an Events API v2 event (after Kestra's pagerduty-template.peb, but with the
// fields the API requires: a summary, and links only when there is one).
#include "runwatch/tasks/core/properties.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "PagerDuty";
constexpr const char* kEventsUrl = "https://events.pagerduty.com/v2/enqueue";
constexpr const char* kUrlDescription = "The PagerDuty Events API v2 URL.";
constexpr std::size_t kMaxSummary = 1024;  // the API's limit

std::string severity_of(const ExecutionSummary& s) {
  if (s.failed_task || s.state == State::FAILED || s.state == State::KILLED) return "error";
  return s.state == State::WARNING ? "warning" : "info";
}

Value custom_details(const ExecutionSummary& s) {
  Value details = {{"Namespace", s.ns},
                   {"Flow ID", s.flow_id},
                   {"Execution ID", s.execution_id},
                   {"Execution Status", std::string(to_string(s.state))},
                   {"Final task ID", s.last_task ? Value(*s.last_task) : Value()}};
  details.update(s.custom_fields);
  if (s.custom_message) details["Message"] = *s.custom_message;
  if (!s.alerts.empty()) details["Alerts"] = alert_details(s);
  return details;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  std::string summary = string_or(properties, "payloadSummary", headline(s) + " - " + outcome(s));
  if (summary.size() > kMaxSummary) summary.resize(kMaxSummary);
  Value event = Value::object();
  if (auto key = optional_string(properties, "routingKey")) event["routing_key"] = *key;
  auto dedup = optional_string(properties, "deduplicationKey");
  if (dedup) event["dedup_key"] = *dedup;
  // Kestra's template: with a deduplication key and no action, the event acknowledges.
  event["event_action"] = string_or(properties, "eventAction", dedup ? "acknowledge" : "trigger");
  event["payload"] = {{"summary", summary},
                      {"source", s.ns + " " + s.execution_id},
                      {"severity", severity_of(s)},
                      {"timestamp", format_instant(ctx.clock().now())},
                      {"custom_details", custom_details(s)}};
  if (s.link) event["links"] = Value::array({{{"href", *s.link}, {"text", outcome(s)}}});
  return dump_json(event);
}

}  // namespace

std::shared_ptr<const TaskType> make_pagerduty_alert_task() {
  return make_notifier({.name = "io.kestra.plugin.pagerduty.PagerDutyAlert",
                        .aliases = {"io.kestra.plugin.notifications.pagerduty.PagerDutyAlert"},
                        .description = "Sends an event to PagerDuty's Events API v2.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription, kEventsUrl),
                        .properties = {payload_property("The Events API v2 event as JSON.")}});
}

std::shared_ptr<const TaskType> make_pagerduty_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.pagerduty.PagerDutyExecution",
       .aliases = {"io.kestra.plugin.notifications.pagerduty.PagerDutyExecution"},
       .description =
           "Sends a summary of an execution to PagerDuty's Events API v2: severity error when it failed, details for "
           "the namespace, flow, state, final task and custom fields, and a link when kestra.url is set.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription, kEventsUrl),
       .properties =
           {{.name = "routingKey",
             .type = PropertyType::String,
             .description = "The integration key of a PagerDuty service."},
            {.name = "deduplicationKey",
             .type = PropertyType::String,
             .description = "Correlates triggers and resolves."},
            {.name = "eventAction",
             .type = PropertyType::String,
             .description =
                 "trigger, acknowledge or resolve; acknowledge when a deduplicationKey is given, else trigger.",
             .allowed_values = {"trigger", "acknowledge", "resolve"}},
            {.name = "payloadSummary",
             .type = PropertyType::String,
             .description =
                 "The alert's summary (1024 characters at most); the execution's headline and outcome by default."}},
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
