// Zenduty: an Events API alert with the flow's own payload, and the execution summary as
// an event shaped like Kestra's zenduty-template.peb, ZendutyTemplate's properties over it.
#include <algorithm>
#include <cctype>

#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr const char* kReceiver = "Zenduty";
constexpr const char* kUrlDescription =
    "The Zenduty Events API URL, with the integration key: https://www.zenduty.com/api/events/<key>/.";

// The template's: resolved when no task failed, else error. runwatch also says error for
// an execution that failed or was killed with no task failing, which Kestra resolves.
std::string alert_type_of(const ExecutionSummary& s, const Value& properties) {
  if (auto type = optional_string(properties, "alertType")) {
    std::transform(type->begin(), type->end(), type->begin(), [](unsigned char c) { return std::tolower(c); });
    return *type;
  }
  bool failed = s.failed_task || s.state == State::FAILED || s.state == State::KILLED;
  return failed ? "error" : "resolved";
}

// The execution's link, then the flow's `urls`. Kestra sends an empty link_url without
// kestra.url, where runwatch leaves the link out; and its ZendutyTemplate replaces the
// list with the bare `urls` strings, which the Events API does not take as links: runwatch
// adds them as {link_url}, as the template's own loop over `urls` would.
Value urls_of(const ExecutionSummary& s, const Value& properties) {
  Value urls = Value::array();
  if (s.link) urls.push_back({{"link_url", *s.link}, {"link_text", "Execution link"}});
  if (const Value* extra = find_property(properties, "urls"))
    for (auto& url : to_string_list(*extra, "urls")) urls.push_back({{"link_url", std::move(url)}});
  return urls;
}

// Kestra's template leaves the custom message and fields out: runwatch adds them, as
// PagerDuty's custom_details do.
Value details_of(const ExecutionSummary& s) {
  Value details = {{"Namespace", s.ns},
                   {"Flow ID", s.flow_id},
                   {"Execution ID", s.execution_id},
                   {"Execution Status", std::string(to_string(s.state))},
                   {"Final task ID", s.last_task.value_or("")},
                   {"Duration", format_hms(s.duration)}};
  details.update(s.custom_fields);
  if (s.custom_message) details["Message"] = *s.custom_message;
  if (!s.alerts.empty()) details["Alerts"] = alert_details(s);
  return details;
}

std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  std::string state(to_string(s.state));
  Value event = {{"message", string_or(properties, "message", "Kestra workflow execution")},
                 {"alert_type", alert_type_of(s, properties)},
                 {"entity_id", string_or(properties, "entityId", s.execution_id)},
                 {"urls", urls_of(s, properties)},
                 {"payload", details_of(s)},
                 {"summary", string_or(properties, "summary",
                                       "Kestra workflow execution " + s.execution_id + " of a flow " + s.flow_id +
                                           " in the namespace " + s.ns + " changed status to " + state)}};
  return dump_json(event);
}

}  // namespace

std::shared_ptr<const TaskType> make_zenduty_alert_task() {
  return make_notifier({.name = "io.kestra.plugin.zenduty.ZendutyAlert",
                        .aliases = {"io.kestra.plugin.notifications.zenduty.ZendutyAlert"},
                        .description = "Sends an alert to Zenduty's Events API.",
                        .receiver = kReceiver,
                        .url = url_property(kUrlDescription),
                        .secret_properties = {"url"},
                        .properties = {payload_property("The Events API alert as JSON (message and alert_type).")}});
}

std::shared_ptr<const TaskType> make_zenduty_execution_task() {
  return make_notifier(
      {.name = "io.kestra.plugin.zenduty.ZendutyExecution",
       .aliases = {"io.kestra.plugin.notifications.zenduty.ZendutyExecution"},
       .description = "Sends a summary of an execution to Zenduty's Events API: alert type error when a task failed "
                      "(else resolved), the execution as entity, a link when kestra.url is set, and the namespace, "
                      "flow, state, final task, duration and custom fields as the event's payload.",
       .receiver = kReceiver,
       .url = url_property(kUrlDescription),
       .secret_properties = {"url"},
       .properties = {{.name = "message",
                       .type = PropertyType::String,
                       .description = "The event's title; \"Kestra workflow execution\" by default."},
                      {.name = "summary",
                       .type = PropertyType::String,
                       .description = "The event's description; what the execution became by default."},
                      {.name = "alertType",
                       .type = PropertyType::String,
                       .description = "The alert type, sent in lower case; error when a task failed, else resolved.",
                       .allowed_values = {"CRITICAL", "ACKNOWLEDGED", "RESOLVED", "ERROR", "WARNING", "INFO"}},
                      {.name = "entityId",
                       .type = PropertyType::String,
                       .description = "Identifies the alert across events; the execution's id by default."},
                      {.name = "urls",
                       .type = PropertyType::List,
                       .description = "URLs related to the alert, sent as links after the execution's."},
                      replaced_property("payload", "ZendutyAlert")},
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
