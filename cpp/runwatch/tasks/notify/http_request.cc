// Kestra's core HTTP Request task: one request, its answer as outputs, and a failure for
// an answer >= 400 unless failures are allowed. No automatic retries, as in Kestra: a
// flow retries it with the task's `retry` property.
#include <algorithm>
#include <cctype>

#include "runwatch/model/utf8.h"
#include "runwatch/net/url.h"
#include "runwatch/tasks/core/cancelled.h"
#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/notify/http_options.h"
#include "runwatch/tasks/notify/notify_tasks.h"
#include "runwatch/tasks/notify/text.h"

namespace runwatch {
namespace {

constexpr std::size_t kBodyExcerpt = 200;

std::string form_body(const Value& form) {
  FormFields fields;
  for (auto it = form.begin(); it != form.end(); ++it) fields.emplace_back(it.key(), to_text(it.value()));
  return form_encoded(fields);
}

void set_body(HttpRequest& request, const Value& properties) {
  std::string content_type = string_or(properties, "contentType", "application/json");
  const Value* form = find_property(properties, "formData");
  if (form && !form->empty()) {
    if (!form->is_object()) throw TaskFailure("Property 'formData' must be a map, got " + form->dump());
    if (content_type == "multipart/form-data") throw TaskFailure("multipart/form-data requests are not supported");
    request.body = form_body(*form);
    request.content_type = "application/x-www-form-urlencoded";
  } else if (const Value* body = find_property(properties, "body")) {
    request.body = to_text(*body);
    request.content_type = content_type;
  }
}

HttpHeaders headers_of(const Value& properties) {
  HttpHeaders headers;
  const Value* map = find_property(properties, "headers");
  if (!map) return headers;
  if (!map->is_object()) throw TaskFailure("Property 'headers' must be a map, got " + map->dump());
  for (auto it = map->begin(); it != map->end(); ++it) headers.emplace_back(it.key(), to_text(it.value()));
  return headers;
}

bool allow_failed(const Value& properties) {
  if (const Value* options = find_property(properties, "options"); options && options->is_object())
    if (find_property(*options, "allowFailed")) return bool_or(*options, "allowFailed", false);
  return bool_or(properties, "allowFailed", false);  // deprecated spelling
}

// The deprecated top-level sslOptions, moved to options.ssl where the client reads it.
Value with_ssl_options(const Value& properties) {
  const Value* ssl = find_property(properties, "sslOptions");
  if (!ssl) return properties;
  Value moved = properties;
  if (!moved.contains("options") || !moved["options"].is_object()) moved["options"] = Value::object();
  if (!moved["options"].contains("ssl")) moved["options"]["ssl"] = *ssl;
  return moved;
}

Value headers_output(const HttpHeaders& headers) {
  Value out = Value::object();
  for (const auto& [name, value] : headers) {
    if (!out.contains(name)) out[name] = Value::array();
    out[name].push_back(value);
  }
  return out;
}

class HttpRequestTask final : public TaskType {
 public:
  HttpRequestTask() : TaskType(schema()) {}

  TaskResult run(RunContext& ctx, const Value& properties) const override {
    if (bool_or(properties, "encryptBody", false))
      throw TaskFailure("encryptBody is not supported: runwatch has no encryption key configured");
    HttpRequest request;
    request.url = to_text(required_property(properties, "uri"));
    request.method = string_or(properties, "method", "GET");
    std::transform(request.method.begin(), request.method.end(), request.method.begin(), ::toupper);
    set_body(request, properties);
    request.headers = headers_of(properties);
    HttpClientOptions options = client_options(with_ssl_options(properties));
    options.retry.max_attempts = 1;
    HttpResponse response;
    try {
      response = HttpClient(options, ctx.clock(), &ctx.cancellation()).send(request);
    } catch (const HttpCancelled&) {
      throw cancelled_failure(ctx);
    } catch (const HttpError& e) {
      throw TaskFailure("HTTP request to " + request.url + " failed: " + e.what());
    }
    if (response.status >= 400 && !allow_failed(properties))
      throw TaskFailure("Failed http request with response code '" + std::to_string(response.status) + "' and body:\n" +
                        excerpt(response.body, kBodyExcerpt));
    if (!is_valid_utf8(response.body))
      throw TaskFailure("The answer's body is not valid UTF-8 text: the Request task only supports text bodies");
    TaskResult result;
    result.outputs = {{"uri", request.url},
                      {"code", response.status},
                      {"headers", headers_output(response.headers)},
                      {"body", response.body.empty() ? Value() : Value(response.body)}};
    return result;
  }

 private:
  static TypeSchema schema() {
    TypeSchema s;
    s.name = "io.kestra.plugin.core.http.Request";
    s.aliases = {"io.kestra.plugin.fs.http.Request"};
    s.description =
        "Sends an HTTP request and returns the answer's code, headers and body. An answer >= 400 fails the task "
        "unless options.allowFailed is true.";
    s.properties = {
        {.name = "uri",
         .type = PropertyType::String,
         .required = true,
         .description = "The full URI to send the request to."},
        {.name = "method", .type = PropertyType::String, .description = "The HTTP method.", .default_value = "GET"},
        {.name = "body", .type = PropertyType::String, .description = "The body, as text."},
        {.name = "formData", .type = PropertyType::Map, .description = "A form sent URL-encoded instead of a body."},
        {.name = "contentType",
         .type = PropertyType::String,
         .description = "The Content-Type of the body.",
         .default_value = "application/json"},
        {.name = "headers", .type = PropertyType::Map, .description = "Headers to send."},
        {.name = "options",
         .type = PropertyType::Map,
         .description = "allowFailed, followRedirects, timeout.connectTimeout, timeout.readIdleTimeout (or "
                        "connectTimeout and readTimeout), ssl.insecureTrustAllCertificates, ssl.caFile."},
        {.name = "allowFailed", .type = PropertyType::Boolean, .description = "Deprecated: options.allowFailed."},
        {.name = "sslOptions", .type = PropertyType::Map, .description = "Deprecated: options.ssl."},
        {.name = "encryptBody",
         .type = PropertyType::Boolean,
         .description = "Not supported: must be false.",
         .default_value = false},
    };
    return s;
  }
};

}  // namespace

std::shared_ptr<const TaskType> make_http_request_task() { return std::make_shared<HttpRequestTask>(); }

}  // namespace runwatch
