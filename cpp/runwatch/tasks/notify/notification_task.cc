#include "runwatch/tasks/notify/notification_task.h"

#include <algorithm>

#include "runwatch/model/json_text.h"
#include "runwatch/net/url.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/delivery.h"
#include "runwatch/tasks/notify/http_options.h"
#include "runwatch/tasks/secrets.h"

namespace runwatch {
namespace {

TypeSchema schema_of(const NotifierSpec& spec) {
  TypeSchema schema;
  schema.name = spec.name;
  schema.aliases = spec.aliases;
  schema.description = spec.description;
  if (!spec.url.name.empty()) schema.properties.push_back(spec.url);
  schema.properties.insert(schema.properties.end(), spec.properties.begin(), spec.properties.end());
  if (spec.summarizes_execution)
    for (auto& property : execution_properties()) schema.properties.push_back(std::move(property));
  schema.properties.push_back(options_property());
  schema.requires_any = spec.requires_any;
  schema.notifier = true;
  return schema;
}

class NotificationTask final : public TaskType {
 public:
  explicit NotificationTask(NotifierSpec spec) : TaskType(schema_of(spec)), spec_(std::move(spec)) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    std::vector<std::string> secrets;
    for (const auto& name : spec_.secret_properties)
      if (const Value* value = find_property(properties, name)) secrets.push_back(to_text(*value));
    ctx.add_secret_values(secrets);
    try {
      return post(ctx, properties);
    } catch (const RetryLater& e) {
      std::string message = mask_secrets(std::string(e.what()), secrets);
      if (message == e.what()) throw;
      throw RetryLater(message, e.wait());
    } catch (const std::exception& e) {
      std::string message = mask_secrets(std::string(e.what()), secrets);
      if (message == e.what()) throw;
      throw TaskFailure(message);
    }
  }

 private:
  TaskResult post(RunContext& ctx, const Value& properties) const {
    std::vector<std::string> bodies;
    if (spec_.payloads)
      bodies = spec_.payloads(ctx, properties);
    else
      bodies.push_back(spec_.payload ? spec_.payload(ctx, properties) : json_property(properties, "payload"));
    const std::string url = spec_.url_of ? spec_.url_of(properties) : to_text(required_property(properties, "url"));
    TaskResult result;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      HttpRequest request;
      request.method = "POST";
      request.url = url;
      request.content_type = spec_.content_type;
      request.body = std::move(bodies[i]);
      request.headers = option_headers(properties);
      if (spec_.headers)
        for (auto& header : spec_.headers(ctx, properties, request)) request.headers.push_back(std::move(header));
      if (bodies.size() == 1) return deliver(ctx, spec_.receiver, properties, std::move(request));
      std::string n = std::to_string(i + 1);
      result = deliver(ctx, spec_.receiver + " (message " + n + " of " + std::to_string(bodies.size()) + ")",
                       properties, std::move(request), ":" + n);
    }
    return result;
  }

  NotifierSpec spec_;
};

}  // namespace

TaskResult deliver(RunContext& ctx, std::string_view receiver, const Value& properties, HttpRequest request,
                   std::string_view key_suffix) {
  Delivery delivery{.ctx = ctx,
                    .receiver = std::string(receiver),
                    .endpoint = receiver_of(request.url),
                    .request = std::move(request),
                    .options = client_options(properties),
                    .key_suffix = std::string(key_suffix)};
  return run_stages(webhook_stages(), delivery);
}

std::shared_ptr<const TaskType> make_notifier(NotifierSpec spec) {
  return std::make_shared<NotificationTask>(std::move(spec));
}

std::string idempotency_key(const TaskIdentity& identity) { return identity.execution_id + ":" + identity.task_run_id; }

std::string json_property(const Value& properties, std::string_view name) {
  const Value& value = required_property(properties, name);
  if (value.is_structured()) return dump_json(value);
  std::string text = to_text(value);
  try {
    [[maybe_unused]] Value parsed = parse_json(text);
  } catch (const Value::parse_error& e) {
    throw TaskFailure("Property '" + std::string(name) + "' is not valid JSON: " + e.what());
  }
  return text;
}

PropertySpec url_property(std::string description, Value default_url) {
  bool required = default_url.is_null();
  return {.name = "url",
          .type = PropertyType::String,
          .required = required,
          .description = std::move(description),
          .default_value = std::move(default_url)};
}

PropertySpec payload_property(std::string description, bool required) {
  PropertySpec spec{.name = "payload",
                    .type = PropertyType::String,
                    .required = required,
                    .description = std::move(description) + " Rendered, then posted as JSON."};
  spec.json_document = true;  // values printed inside its JSON strings are escaped
  return spec;
}

PropertySpec options_property() {
  return {.name = "options",
          .type = PropertyType::Map,
          .description =
              "HTTP client options: connectTimeout and readTimeout (ISO-8601, PT10S by default), headers (a map), "
              "followRedirects, ssl.insecureTrustAllCertificates, and ssl.caFile (a PEM file trusted besides the "
              "system's CAs)."};
}

PropertySpec replaced_property(std::string name, std::string_view webhook_type) {
  return {.name = std::move(name),
          .type = PropertyType::String,
          .description =
              "Inherited from " + std::string(webhook_type) + ": the execution summary replaces it, as in Kestra."};
}

NotifierHeaders bearer_authorization(std::string property) {
  return [property = std::move(property)](RunContext&, const Value& properties, const HttpRequest&) {
    return HttpHeaders{{"Authorization", "Bearer " + to_text(required_property(properties, property))}};
  };
}

std::string one_of(const Value& properties, std::string_view name, const std::vector<std::string>& allowed,
                   std::string fallback) {
  auto value = optional_string(properties, name);
  if (!value) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return *value;
  std::string valid;
  for (const auto& each : allowed) valid += (valid.empty() ? "" : ", ") + each;
  throw TaskFailure("Invalid " + std::string(name) + " value '" + *value +
                    "'. Valid values (case-sensitive): " + valid);
}

std::vector<PropertySpec> execution_properties() {
  return {
      {.name = "executionId",
       .type = PropertyType::String,
       .description = "The execution to report on; the current one by default.",
       .default_value = "{{ execution.id }}"},
      {.name = "customFields", .type = PropertyType::Map, .description = "Fields added to the notification."},
      {.name = "customMessage", .type = PropertyType::String, .description = "A message added to the notification."},
  };
}

}  // namespace runwatch
