// Sentry: an event sent to the project a DSN names, in an envelope (Sentry's current
// ingestion endpoint) or to the older store endpoint. SentryAlert sends the flow's own
// event; SentryExecution the execution summary as sentry-template.peb shapes it, with
// SentryTemplate's properties over it.
//
// Where runwatch differs from Kestra:
// - Kestra fails only on 401 or 404 from the envelope endpoint and reports success on any
//   other error answer; runwatch fails on every one (retrying 429 and 5xx).
// - Kestra builds the endpoint only from DSNs of sentry.io's organisation hosts
//   (o<n>.ingest.sentry.io) and posts to any other DSN verbatim, which fails; runwatch
//   builds it from every DSN (regional, self-hosted). A URL with no key in it is still
//   posted to as it is, as Kestra does.
// - The envelope's item length is in bytes, as Sentry reads it (Kestra counts UTF-16
//   units: wrong for the template's "➛"); its header carries the event's own id (Kestra's
//   is unrelated) and the rendered DSN (Kestra's is the unrendered expression).
#include <algorithm>
#include <cctype>

#include "runwatch/crypto/digest.h"
#include "runwatch/model/json_text.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/execution_summary.h"
#include "runwatch/tasks/notify/notification_task.h"
#include "runwatch/tasks/notify/notify_tasks.h"

namespace runwatch {
namespace {

constexpr std::size_t kMaxEventBytes = 1024 * 1024;
const std::vector<std::string> kEndpointTypes = {"ENVELOPE", "STORE"};
const std::vector<std::string> kPlatforms = {"AS3",   "C",      "CFML", "COCOA",      "CSHARP", "ELIXIR", "HASKELL",
                                             "GO",    "GROOVY", "JAVA", "JAVASCRIPT", "NATIVE", "NODE",   "OBJC",
                                             "OTHER", "PERL",   "PHP",  "PYTHON",     "RUBY"};
const std::vector<std::string> kLevels = {"FATAL", "ERROR", "WARNING", "INFO", "DEBUG"};

// SentryAlert's DEFAULT_PAYLOAD.
constexpr const char* kDefaultPayload = R"({
  "timestamp": "{{ execution.startDate }}",
  "platform": "java",
  "level": "error",
  "message": {
    "message": "Execution {{ execution.id }} failed"
  },
  "extra": {
    "Namespace": "{{ flow.namespace }}",
    "Flow ID": "{{ flow.id }}",
    "Execution ID": "{{ execution.id }}"
  }
})";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// {scheme}://{key}[:{secret}]@{host}[/{path}]/{project} gives
// {scheme}://{host}[/{path}]/api/{project}/{envelope|store}/?...&sentry_key={key}.
std::string endpoint_url(const Value& properties) {
  std::string dsn = to_text(required_property(properties, "dsn"));
  auto scheme_end = dsn.find("://");
  auto at = dsn.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos) return dsn;
  auto slash = dsn.rfind('/');
  std::string project = slash > at ? dsn.substr(slash + 1) : "";
  if (project.empty() || !std::all_of(project.begin(), project.end(), [](unsigned char c) { return std::isdigit(c); }))
    throw TaskFailure("Property 'dsn' is not a Sentry DSN: it must end with the project's id (digits)");
  std::string key = dsn.substr(scheme_end + 3, at - scheme_end - 3);
  key = key.substr(0, key.find(':'));
  std::string endpoint = lower(one_of(properties, "endpointType", kEndpointTypes, "ENVELOPE"));
  return dsn.substr(0, scheme_end + 3) + dsn.substr(at + 1, slash - at - 1) + "/api/" + project + "/" + endpoint +
         "/?sentry_version=7&sentry_client=java&sentry_key=" + key;
}

// The task run's own: a retry sends the same id, and Sentry keeps the event once.
std::string stable_event_id(const RunContext& ctx) {
  return crypto::hex_digest(crypto::DigestKind::Md5, idempotency_key(ctx.identity()));
}

// The event as it is (store), or in an envelope: a header, the item's header, the event.
std::string wrapped(RunContext& ctx, const Value& properties, const std::string& event) {
  if (event.size() > kMaxEventBytes)
    throw TaskFailure("The Sentry event is " + std::to_string(event.size()) + " bytes, over Sentry's limit of 1 MiB");
  if (one_of(properties, "endpointType", kEndpointTypes, "ENVELOPE") == "STORE") return event;
  Value parsed = parse_json_or_discarded(event);
  bool has_id = parsed.is_object() && parsed.contains("event_id") && parsed["event_id"].is_string();
  Value header = {{"event_id", has_id ? parsed["event_id"].get<std::string>() : stable_event_id(ctx)},
                  {"dsn", to_text(required_property(properties, "dsn"))},
                  {"sdk", {{"name", "java"}, {"version", "7"}}},
                  {"sent_at", format_instant(ctx.clock().now())}};
  Value item = {{"type", "event"},
                {"length", event.size()},
                {"content_type", "application/json"},
                {"filename", "application.log"}};
  return dump_json(header) + "\n" + dump_json(item) + "\n" + event + "\n";
}

std::string alert_payload(RunContext& ctx, const Value& properties) {
  return wrapped(ctx, properties, json_property(properties, "payload"));
}

// A map property, or a template's JSON text of one.
Value map_property(const Value& properties, std::string_view name) {
  const Value* value = find_property(properties, name);
  if (!value) return Value::object();
  Value map = value->is_string() ? parse_json_or_discarded(value->get<std::string>()) : *value;
  if (!map.is_object())
    throw TaskFailure("Property '" + std::string(name) + "' must be a map, got " + dump_json(*value));
  return map;
}

std::string event_id_of(RunContext& ctx, const Value& properties) {
  auto id = optional_string(properties, "eventId");
  if (!id) return stable_event_id(ctx);
  bool valid = id->size() == 32 && std::all_of(id->begin(), id->end(), [](unsigned char c) {
                 return std::isdigit(c) || (c >= 'a' && c <= 'f');
               });
  if (!valid) throw TaskFailure("Property 'eventId' must be 32 lower-case hexadecimal digits, got '" + *id + "'");
  return *id;
}

// Kestra's template cannot render for an execution that did not fail (it reads
// firstFailed.taskId of `false`); runwatch says "Succeeded after ...". It also sends an
// empty stacktrace, which Sentry flags as invalid data: runwatch leaves it out. The
// template has no custom message or fields: runwatch adds them to extra.
std::string execution_payload(RunContext& ctx, const Value& properties) {
  ExecutionSummary s = execution_summary(ctx, properties);
  const std::string state(to_string(s.state));
  Value extra = {{"Namespace", s.ns},
                 {"Flow ID", s.flow_id},
                 {"Execution ID", s.execution_id},
                 {"Execution Status", state},
                 {"Final task ID", s.last_task.value_or("")}};
  if (s.link) extra["Link"] = *s.link;
  if (s.custom_message) extra["Message"] = *s.custom_message;
  extra.update(s.custom_fields);
  extra.update(map_property(properties, "extra"));
  Value event = {{"exception",
                  {{"values", Value::array({{{"type", s.flow_id + " " + std::string(kHeadlineArrow) + " " + state},
                                             {"value", outcome(s)},
                                             {"module", s.ns}}})}}},
                 {"extra", std::move(extra)}};
  if (Value errors = map_property(properties, "errors"); !errors.empty()) event["errors"] = std::move(errors);
  event["event_id"] = event_id_of(ctx, properties);
  event["timestamp"] = format_instant(ctx.clock().now());
  event["platform"] = lower(one_of(properties, "platform", kPlatforms, "JAVA"));
  event["level"] = lower(one_of(properties, "level", kLevels, "ERROR"));
  if (auto transaction = optional_string(properties, "transaction")) event["transaction"] = *transaction;
  if (auto server = optional_string(properties, "serverName")) event["server_name"] = *server;
  return wrapped(ctx, properties, dump_json(event));
}

std::vector<PropertySpec> connection_properties(PropertySpec payload) {
  return {{.name = "dsn",
           .type = PropertyType::String,
           .required = true,
           .description = "The project's DSN: https://<key>@<host>/<project id>. A URL with no key is posted to as "
                          "it is."},
          {.name = "endpointType",
           .type = PropertyType::String,
           .description = "ENVELOPE (Sentry's current endpoint) or STORE (the older one).",
           .default_value = "ENVELOPE",
           .allowed_values = kEndpointTypes},
          std::move(payload)};
}

}  // namespace

std::shared_ptr<const TaskType> make_sentry_alert_task() {
  PropertySpec payload = payload_property("The Sentry event as JSON; a message naming the execution by default.");
  payload.required = false;
  payload.default_value = kDefaultPayload;
  return make_notifier({.name = "io.kestra.plugin.sentry.SentryAlert",
                        .aliases = {"io.kestra.plugin.notifications.sentry.SentryAlert"},
                        .description = "Sends an event to Sentry.",
                        .receiver = "Sentry",
                        .url_of = endpoint_url,
                        .secret_properties = {"dsn"},
                        .properties = connection_properties(std::move(payload)),
                        .payload = alert_payload});
}

std::shared_ptr<const TaskType> make_sentry_execution_task() {
  std::vector<PropertySpec> properties = connection_properties(replaced_property("payload", "SentryAlert"));
  std::vector<PropertySpec> own = {
      {.name = "eventId",
       .type = PropertyType::String,
       .description = "The event's id, 32 lower-case hexadecimal digits; by default one of the task run's (Kestra's "
                      "is random), so that a retry does not make a second event."},
      {.name = "platform",
       .type = PropertyType::String,
       .description = "The platform, sent in lower case.",
       .default_value = "JAVA",
       .allowed_values = kPlatforms},
      {.name = "level",
       .type = PropertyType::String,
       .description = "The level, sent in lower case.",
       .default_value = "ERROR",
       .allowed_values = kLevels},
      {.name = "transaction", .type = PropertyType::String, .description = "The transaction the event belongs to."},
      {.name = "serverName", .type = PropertyType::String, .description = "Sent as server_name."},
      {.name = "extra", .type = PropertyType::Map, .description = "Entries added to the event's extra."},
      {.name = "errors", .type = PropertyType::Map, .description = "Sent as the event's errors."}};
  properties.insert(properties.end(), own.begin(), own.end());
  return make_notifier(
      {.name = "io.kestra.plugin.sentry.SentryExecution",
       .aliases = {"io.kestra.plugin.notifications.sentry.SentryExecution"},
       .description = "Sends a summary of an execution to Sentry as an exception event: the flow and state as its "
                      "type, the outcome as its value, the namespace as its module, and the details, link (when "
                      "kestra.url is set), custom message and fields as extra.",
       .receiver = "Sentry",
       .url_of = endpoint_url,
       .secret_properties = {"dsn"},
       .properties = std::move(properties),
       .summarizes_execution = true,
       .payload = execution_payload});
}

}  // namespace runwatch
