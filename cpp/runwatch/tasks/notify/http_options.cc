#include "runwatch/tasks/notify/http_options.h"

#include "runwatch/tasks/core/properties.h"
#include "runwatch/tasks/task.h"

namespace runwatch {
namespace {

const Value& options_of(const Value& properties) {
  static const Value none = Value::object();
  const Value* options = find_property(properties, "options");
  if (!options) return none;
  if (!options->is_object()) throw TaskFailure("Property 'options' must be a map, got " + options->dump());
  return *options;
}

// options.<path...> as a duration, when given.
std::optional<Duration> duration_option(const Value& options, std::initializer_list<const char*> path) {
  const Value* value = &options;
  std::string name = "options";
  for (const char* key : path) {
    value = find_property(*value, key);
    if (!value) return std::nullopt;
    name += std::string(".") + key;
  }
  std::string text = to_text(*value);
  auto duration = parse_duration(text);
  if (!duration || *duration <= Duration::zero())
    throw TaskFailure("Property '" + name + "' must be a positive ISO-8601 duration, got '" + text + "'");
  return duration;
}

}  // namespace

HttpClientOptions client_options(const Value& properties) {
  const Value& options = options_of(properties);
  HttpClientOptions out;
  if (auto d = duration_option(options, {"connectTimeout"})) out.connect_timeout = *d;
  if (auto d = duration_option(options, {"timeout", "connectTimeout"})) out.connect_timeout = *d;
  if (auto d = duration_option(options, {"readTimeout"})) out.read_timeout = *d;
  if (auto d = duration_option(options, {"timeout", "readIdleTimeout"})) out.read_timeout = *d;
  out.follow_redirects = bool_or(options, "followRedirects", true);
  if (const Value* ssl = find_property(options, "ssl")) {
    out.verify_certificates = !bool_or(*ssl, "insecureTrustAllCertificates", false);
    out.extra_ca_file = string_or(*ssl, "caFile", "");
  }
  return out;
}

HttpHeaders option_headers(const Value& properties) {
  HttpHeaders headers;
  const Value* map = find_property(options_of(properties), "headers");
  if (!map) return headers;
  if (!map->is_object()) throw TaskFailure("Property 'options.headers' must be a map, got " + map->dump());
  for (auto it = map->begin(); it != map->end(); ++it) headers.emplace_back(it.key(), to_text(it.value()));
  return headers;
}

}  // namespace runwatch
