#include "runwatch/config/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "runwatch/crypto/secret_cipher.h"
#include "runwatch/model/byte_size.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"
#include "runwatch/yaml/text_guard.h"
#include "runwatch/yaml/yaml_node.h"

extern char** environ;

namespace runwatch {
namespace {

// How messages name a configuration given as a tree (a Python dict), not a file.
constexpr const char* kTree = "<config>";

// One key as written: its dotted name, its value as text, and where it came from.
struct Setting {
  std::string key;
  std::string text;
  std::string file;  // the file, "environment variable NAME", or kTree
  int line = 0;
  int column = 0;
};

// An invalid value: the message, without the key.
struct InvalidValue : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Micronaut reads basicAuth and basic-auth alike: keys compare in kebab case.
std::string kebab(std::string_view segment) {
  std::string out;
  for (char c : segment) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '-';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string kebab_key(std::string_view key) {
  std::string out;
  size_t start = 0;
  for (;;) {
    size_t dot = key.find('.', start);
    out += kebab(key.substr(start, dot - start));
    if (dot == std::string_view::npos) return out;
    out += '.';
    start = dot + 1;
  }
}

// Micronaut's environment name of a key: ENDPOINTS_ALL_BASIC_AUTH_USERNAME.
std::string env_name(std::string_view key) {
  std::string out = upper(std::string(key));
  std::replace(out.begin(), out.end(), '.', '_');
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// ---- values ------------------------------------------------------------------------

long long integer_in(const std::string& text, long long low, long long high, const char* what) {
  static const std::regex digits("[+-]?[0-9]+");
  if (!std::regex_match(text, digits)) throw InvalidValue("must be " + std::string(what) + ", got '" + text + "'");
  long long n = 0;
  try {
    n = std::stoll(text);
  } catch (const std::out_of_range&) {
    n = high + 1;
  }
  if (n < low || n > high) throw InvalidValue("must be " + std::string(what) + ", got '" + text + "'");
  return n;
}

int port_of(const std::string& text) {
  return static_cast<int>(integer_in(text, 0, 65535, "a port number from 0 (any free port) to 65535"));
}

bool bool_of(const std::string& text) {
  std::string t = lower(text);
  if (t == "true") return true;
  if (t == "false") return false;
  throw InvalidValue("must be true or false, got '" + text + "'");
}

// A size as Micronaut reads it: bytes, or a number with KB, MB or GB (powers of 1024).
std::int64_t size_of(const std::string& text) {
  auto size = parse_byte_size(text);
  if (!size) throw InvalidValue("must be a size in bytes, or with KB, MB or GB (up to 1 TB), got '" + text + "'");
  return *size;
}

// ISO-8601 (PT30S), or Micronaut's short form (30s, 5m, 1h, 500ms).
Duration duration_of(const std::string& text) {
  if (auto d = parse_duration(text); d && *d >= Duration::zero()) return *d;
  static const std::regex short_form("([0-9]+)(ms|s|m|h|d)");
  std::smatch m;
  if (std::regex_match(text, m, short_form)) {
    long long n = integer_in(m[1].str(), 0, 1'000'000'000, "a duration");
    const std::string unit = m[2].str();
    if (unit == "ms") return std::chrono::milliseconds(n);
    if (unit == "s") return std::chrono::seconds(n);
    if (unit == "m") return std::chrono::minutes(n);
    if (unit == "h") return std::chrono::hours(n);
    return std::chrono::hours(24 * n);
  }
  throw InvalidValue("must be a duration such as PT30S or 30s, got '" + text + "'");
}

std::string level_of(const std::string& text) {
  std::string level = upper(text);
  for (const char* known : {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"})
    if (level == known) return level;
  throw InvalidValue("must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + text + "'");
}

std::string non_empty(const std::string& text) {
  if (text.empty()) throw InvalidValue("must not be empty");
  return text;
}

BasicAuth& basic_auth_of(std::optional<BasicAuth>& auth) { return auth ? *auth : auth.emplace(); }

// A path as Micronaut writes it (plain, or `file:`), to a file this process can read.
std::string readable_file(const std::string& text) {
  std::string path = non_empty(text.starts_with("file:") ? text.substr(5) : text);
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored) || !std::ifstream(path).good())
    throw InvalidValue("cannot read the file '" + path + "'");
  return path;
}

std::string host_of(const std::string& text) {
  if (text.empty() || text.find_first_of(" \t/") != std::string::npos)
    throw InvalidValue("must be a host name or an IP address, got '" + text + "'");
  return text;
}

// A list, as Micronaut reads one from a YAML sequence or a comma-separated variable.
std::vector<std::string> list_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// ---- keys --------------------------------------------------------------------------

struct KeySpec {
  const char* key;  // kebab case
  std::function<void(Config&, const std::string&)> apply;
};

// Keys whose value is a document (a list of mappings), carried as its JSON text.
bool is_document_key(const std::string& key) {
  std::string k = kebab_key(key);
  return k == "kestra.plugins.defaults" || k == "kestra.tasks.defaults";
}

// A list of plugin defaults, each {type, values, forced} checked as Kestra's PluginDefault.
Value plugin_defaults_of(const std::string& text) {
  Value list = parse_json_or_discarded(text);
  if (!list.is_array()) throw InvalidValue("must be a list of {type, values, forced}");
  for (size_t i = 0; i < list.size(); ++i) {
    const Value& d = list[i];
    std::string at = "item " + std::to_string(i + 1) + ": ";
    if (!d.is_object()) throw InvalidValue(at + "a plugin default must be a mapping with a type and values");
    for (auto it = d.begin(); it != d.end(); ++it)
      if (it.key() != "type" && it.key() != "values" && it.key() != "forced")
        throw InvalidValue(at + "unknown property '" + it.key() + "' (type, values, forced)");
    if (!d.contains("type") || !d["type"].is_string() || d["type"].get<std::string>().empty())
      throw InvalidValue(at + "'type' must be a type name or a prefix of type names");
    if (!d.contains("values") || !d["values"].is_object())
      throw InvalidValue(at + "'values' must be a mapping of property values");
    if (d.contains("forced") && !d["forced"].is_boolean()) throw InvalidValue(at + "'forced' must be true or false");
  }
  return list;
}

// What /env shows of plugin defaults: their types, not their values (a webhook URL is a secret).
Value masked_defaults(const Value& list) {
  Value out = Value::array();
  for (const auto& d : list)
    out.push_back({{"type", d["type"]}, {"forced", d.value("forced", false)}, {"values", "******"}});
  return out;
}

const std::vector<KeySpec>& scalar_keys() {
  static const std::vector<KeySpec> keys = {
      {"kestra.tasks.defaults", [](Config& c, const std::string& t) { c.task_defaults = plugin_defaults_of(t); }},
      {"kestra.plugins.defaults",
       [](Config& c, const std::string& t) { c.plugin_defaults = plugin_defaults_of(t); }},
      {"kestra.metrics.prefix",
       [](Config& c, const std::string& t) {
         static const std::regex name("[a-zA-Z_:][a-zA-Z0-9_:.]*");
         if (!std::regex_match(t, name))
           throw InvalidValue("must be a metric name prefix (letters, digits, '_', ':' and '.'), got '" + t + "'");
         c.metrics_prefix = t;
       }},
      {"kestra.worker.threads",
       [](Config& c, const std::string& t) {
         c.worker_threads = static_cast<int>(integer_in(t, 1, 1024, "a number of threads from 1 to 1024"));
       }},
      {"kestra.repository.type",
       [](Config& c, const std::string& t) {
         if (lower(t) != "memory" && lower(t) != "sqlite")
           throw InvalidValue("must be memory or sqlite, got '" + t + "'");
         c.repository_type = lower(t);
       }},
      {"kestra.repository.path", [](Config& c, const std::string& t) { c.repository_path = non_empty(t); }},
      {"kestra.storage.type",
       [](Config&, const std::string& t) {
         if (lower(t) != "local") throw InvalidValue("must be local (the one storage runwatch has), got '" + t + "'");
       }},
      {"kestra.storage.local.base-path",
       [](Config& c, const std::string& t) {
         if (t.find('\0') != std::string::npos) throw InvalidValue("must be a path, got a NUL character");
         c.storage_base_path = non_empty(t);
       }},
      {"kestra.repository.retention",
       [](Config& c, const std::string& t) { c.repository_retention = duration_of(t); }},
      {"kestra.alerts.silence-retention",
       [](Config& c, const std::string& t) { c.silence_retention = duration_of(t); }},
      {"kestra.alerts.rate-limit.notifications",
       [](Config& c, const std::string& t) {
         constexpr const char* kWhat = "a number of notifications from 0 (no limit) to 10000";
         c.notification_rate_limit.notifications = static_cast<int>(integer_in(t, 0, kMaxRateLimitNotifications, kWhat));
       }},
      {"kestra.alerts.rate-limit.period",
       [](Config& c, const std::string& t) {
         Duration period = duration_of(t);
         if (period <= Duration::zero()) throw InvalidValue("must be a duration longer than zero, got '" + t + "'");
         c.notification_rate_limit.period = period;
       }},
      {"kestra.server.worker-task-restart-strategy",
       [](Config& c, const std::string& t) {
         if (t != "NEVER" && t != "IMMEDIATELY" && t != "AFTER_TERMINATION_GRACE_PERIOD")
           throw InvalidValue("must be NEVER, IMMEDIATELY or AFTER_TERMINATION_GRACE_PERIOD, got '" + t + "'");
         c.worker_task_restart_strategy = t;
       }},
      {"kestra.server.termination-grace-period",
       [](Config& c, const std::string& t) { c.termination_grace_period = duration_of(t); }},
      {"kestra.server.basic-auth.username",
       [](Config& c, const std::string& t) { basic_auth_of(c.api_basic_auth).username = non_empty(t); }},
      {"kestra.server.basic-auth.password",
       [](Config& c, const std::string& t) { basic_auth_of(c.api_basic_auth).password = non_empty(t); }},
      {"kestra.server.basic-auth.realm", [](Config& c, const std::string& t) { c.api_realm = non_empty(t); }},
      {"kestra.server.basic-auth.open-urls",
       [](Config& c, const std::string& t) {
         c.api_open_urls = list_of(t);
         for (const auto& url : c.api_open_urls)
           if (url.front() != '/') throw InvalidValue("each open URL must be a path starting with '/', got '" + url + "'");
       }},
      {"kestra.encryption.secret-key",
       [](Config& c, const std::string& t) {
         try {
           crypto::SecretCipher::from_configured_key(t);
         } catch (const crypto::CryptoError& e) {
           throw InvalidValue(e.what());
         }
         c.encryption_secret_key = t;
       }},
      {"kestra.url",
       [](Config& c, const std::string& t) {
         bool web = t.starts_with("http://") || t.starts_with("https://");
         if (!web || t.find_first_of(" \t\r\n") != std::string::npos)
           throw InvalidValue("must be the http(s) URL of the UI's server, got '" + t + "'");
         c.kestra_url = t;
       }},
      {"kestra.environment.name", [](Config& c, const std::string& t) { c.environment_name = non_empty(t); }},
      {"runwatch.api.wait-timeout", [](Config& c, const std::string& t) { c.api_wait_timeout = duration_of(t); }},
      {"runwatch.template.render-timeout",
       [](Config& c, const std::string& t) {
         c.render_timeout = duration_of(t);
         if (c.render_timeout < std::chrono::milliseconds(1)) throw InvalidValue("must be at least 1ms, got '" + t + "'");
       }},
      {"runwatch.tasks.cache-directory",
       [](Config& c, const std::string& t) {
         if (!t.starts_with("/") || t.find('\0') != std::string::npos)
           throw InvalidValue("must be an absolute path, got '" + t + "'");
         c.task_cache_directory = t;
       }},
      {"endpoints.all.host", [](Config& c, const std::string& t) { c.management_host = host_of(t); }},
      {"endpoints.all.port", [](Config& c, const std::string& t) { c.management_port = port_of(t); }},
      {"endpoints.all.basic-auth.username",
       [](Config& c, const std::string& t) { basic_auth_of(c.basic_auth).username = non_empty(t); }},
      {"endpoints.all.basic-auth.password",
       [](Config& c, const std::string& t) { basic_auth_of(c.basic_auth).password = non_empty(t); }},
      {"runwatch.metrics.precreate-series",
       [](Config& c, const std::string& t) { c.metrics_precreate_series = bool_of(t); }},
      {"endpoints.health.liveness.anonymous",
       [](Config& c, const std::string& t) { c.liveness_anonymous = bool_of(t); }},
      {"endpoints.health.disk-space.threshold",
       [](Config& c, const std::string& t) { c.disk_space_threshold = size_of(t); }},
      {"endpoints.health.disk-space.path", [](Config& c, const std::string& t) { c.disk_space_path = non_empty(t); }},
      {"micronaut.server.host", [](Config& c, const std::string& t) { c.api_host = host_of(t); }},
      {"micronaut.server.port", [](Config& c, const std::string& t) { c.api_port = port_of(t); }},
      {"micronaut.server.ssl.enabled", [](Config& c, const std::string& t) { c.api_tls.enabled = bool_of(t); }},
      {"micronaut.server.ssl.port", [](Config& c, const std::string& t) { c.api_ssl_port = port_of(t); }},
      {"micronaut.server.ssl.key-store.certificate-path",
       [](Config& c, const std::string& t) { c.api_tls.certificate_path = readable_file(t); }},
      {"micronaut.server.ssl.key-store.key-path",
       [](Config& c, const std::string& t) { c.api_tls.key_path = readable_file(t); }},
      {"endpoints.all.ssl.enabled", [](Config& c, const std::string& t) { c.management_tls.enabled = bool_of(t); }},
      {"endpoints.all.ssl.key-store.certificate-path",
       [](Config& c, const std::string& t) { c.management_tls.certificate_path = readable_file(t); }},
      {"endpoints.all.ssl.key-store.key-path",
       [](Config& c, const std::string& t) { c.management_tls.key_path = readable_file(t); }},
      {"micronaut.server.read-idle-timeout",
       [](Config& c, const std::string& t) {
         c.read_idle_timeout = duration_of(t);
         if (c.read_idle_timeout < std::chrono::milliseconds(100))
           throw InvalidValue("must be at least 100ms, got '" + t + "'");
       }},
      {"micronaut.server.write-idle-timeout",
       [](Config& c, const std::string& t) {
         c.write_idle_timeout = duration_of(t);
         if (c.write_idle_timeout < std::chrono::milliseconds(100))
           throw InvalidValue("must be at least 100ms, got '" + t + "'");
       }},
      {"micronaut.server.max-request-size",
       [](Config& c, const std::string& t) { c.max_request_size = size_of(t); }},
      {"micronaut.server.multipart.max-file-size",
       [](Config& c, const std::string& t) { c.max_file_size = size_of(t); }},
  };
  return keys;
}

// Keys whose last part is a name of the user's: kestra.metrics.tags.<tag>, logger.levels.<logger>.
struct MapSpec {
  const char* prefix;  // kebab case, with the trailing dot
  std::function<void(Config&, const std::string& name, const std::string&)> apply;
  // The name inside an environment variable's remainder (after the prefix's env name).
  std::function<std::string(const std::string&)> name_from_env;
};

const std::vector<MapSpec>& map_keys() {
  static const std::vector<MapSpec> keys = {
      {"kestra.metrics.tags.",
       [](Config& c, const std::string& name, const std::string& t) {
         static const std::regex label("[a-zA-Z_][a-zA-Z0-9_]*");
         if (!std::regex_match(name, label) || name.rfind("__", 0) == 0)
           throw InvalidValue("'" + name + "' is not a valid Prometheus label name");
         c.metrics_tags[name] = t;
       },
       [](const std::string& rest) { return lower(rest); }},
      {"logger.levels.",
       [](Config& c, const std::string& name, const std::string& t) { c.logger_levels[name] = level_of(t); },
       [](const std::string& rest) {
         std::string name = lower(rest);
         std::replace(name.begin(), name.end(), '_', '.');
         return name;
       }},
  };
  return keys;
}

bool is_secret_key(const std::string& key) {
  std::string k = lower(key);
  for (const char* word : {"password", "secret", "token", "credential"})
    if (k.find(word) != std::string::npos) return true;
  return false;
}

class Builder {
 public:
  void apply(const Setting& s) {
    try {
      if (!apply_known(s)) {
        warnings_.push_back(issue(s, "unknown configuration key, ignored", ValidationIssue::Severity::Warning));
        return;
      }
      config_.effective[s.key] = is_secret_key(s.key)     ? Value("******")
                                 : is_document_key(s.key) ? masked_defaults(parse_json_or_discarded(s.text))
                                                          : Value(s.text);
    } catch (const InvalidValue& e) {
      errors_.push_back(issue(s, repair_utf8(e.what()), ValidationIssue::Severity::Error));
    }
  }

  Config finish() {
    // Kestra reads the older key's defaults first: each list is most important first.
    Value defaults = config_.task_defaults;
    for (auto& d : config_.plugin_defaults) defaults.push_back(d);
    config_.plugin_defaults = std::move(defaults);
    for (auto [auth, key] : {std::pair{&config_.basic_auth, "endpoints.all.basic-auth"},
                             std::pair{&config_.api_basic_auth, "kestra.server.basic-auth"}})
      if (*auth && ((*auth)->username.empty() || (*auth)->password.empty()))
        errors_.push_back({kTree, key, 0, 0, "needs both a username and a password", ValidationIssue::Severity::Error});
    for (auto [tls, key] : {std::pair{&config_.api_tls, "micronaut.server.ssl"},
                            std::pair{&config_.management_tls, "endpoints.all.ssl"}})
      if (tls->enabled && (tls->certificate_path.empty() || tls->key_path.empty()))
        errors_.push_back({kTree, std::string(key) + ".enabled", 0, 0,
                           std::string("is true: set ") + key + ".key-store.certificate-path and " + key +
                               ".key-store.key-path (PEM files)",
                           ValidationIssue::Severity::Error});
    // Anyone who reaches the API can run commands through a flow: beyond this machine it
    // needs credentials.
    if (!config_.api_basic_auth && !is_loopback_host(config_.api_host))
      errors_.push_back({kTree, "micronaut.server.host", 0, 0,
                         "is '" + config_.api_host +
                             "', beyond loopback: set kestra.server.basic-auth.username and "
                             "kestra.server.basic-auth.password first, or listen on 127.0.0.1",
                         ValidationIssue::Severity::Error});
    if (!errors_.empty()) throw ConfigError(std::move(errors_));
    config_.warnings = std::move(warnings_);
    return std::move(config_);
  }

 private:
  bool apply_known(const Setting& s) {
    const std::string key = kebab_key(s.key);
    for (const auto& spec : scalar_keys())
      if (key == spec.key) return spec.apply(config_, s.text), true;
    for (const auto& spec : map_keys()) {
      const std::string prefix = spec.prefix;
      if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0)
        return spec.apply(config_, s.key.substr(prefix.size()), s.text), true;
    }
    return false;
  }

  static ValidationIssue issue(const Setting& s, const std::string& message, ValidationIssue::Severity severity) {
    return {s.file, s.key, s.line, s.column, message, severity};
  }

  Config config_;
  std::vector<ValidationIssue> errors_;
  std::vector<ValidationIssue> warnings_;
};

// ---- sources -----------------------------------------------------------------------

// Keys whose value is a list: a YAML sequence of scalars becomes their comma-separated text.
bool is_list_key(const std::string& key) { return kebab_key(key) == "kestra.server.basic-auth.open-urls"; }

std::string joined(const std::string& prefix, const std::string& key) { return prefix.empty() ? key : prefix + "." + key; }

void flatten_yaml(const YAML::Node& node, const std::string& prefix, const std::string& file,
                  std::vector<Setting>& out, std::vector<ValidationIssue>& errors) {
  const int line = node.Mark().line + 1, column = node.Mark().column + 1;
  if (is_document_key(prefix)) {
    try {
      out.push_back({prefix, dump_json(to_value(node)), file, line, column});
    } catch (const YamlValueError& e) {
      errors.push_back({file, prefix, e.pos().line, e.pos().column, e.what(), ValidationIssue::Severity::Error});
    }
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {  // YAML allows `? {a: b}` as a key
        errors.push_back({file, prefix, entry.first.Mark().line + 1, entry.first.Mark().column + 1,
                          "a configuration key must be a single value", ValidationIssue::Severity::Error});
        continue;
      }
      flatten_yaml(entry.second, joined(prefix, entry.first.Scalar()), file, out, errors);
    }
  } else if (node.IsSequence() && is_list_key(prefix)) {
    std::string text;
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        errors.push_back({file, prefix, item.Mark().line + 1, item.Mark().column + 1, "each item must be a single value",
                          ValidationIssue::Severity::Error});
        return;
      }
      text += (text.empty() ? "" : ",") + item.Scalar();
    }
    out.push_back({prefix, text, file, line, column});
  } else if (node.IsSequence()) {
    errors.push_back({file, prefix, line, column, "must be a single value, got a list", ValidationIssue::Severity::Error});
  } else if (node.IsScalar()) {
    out.push_back({prefix, node.Scalar(), file, line, column});
  }  // a null value sets nothing
}

std::string scalar_text(const Value& v) {
  if (v.is_string()) return v.get<std::string>();
  return dump_json(v);
}

void flatten_value(const Value& node, const std::string& prefix, std::vector<Setting>& out,
                   std::vector<ValidationIssue>& errors) {
  if (is_document_key(prefix)) {
    out.push_back({prefix, dump_json(node), kTree, 0, 0});
  } else if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) flatten_value(it.value(), joined(prefix, it.key()), out, errors);
  } else if (node.is_array() && is_list_key(prefix)) {
    std::string text;
    for (const auto& item : node) text += (text.empty() ? "" : ",") + scalar_text(item);
    out.push_back({prefix, text, kTree, 0, 0});
  } else if (node.is_array()) {
    errors.push_back({kTree, prefix, 0, 0, "must be a single value, got a list", ValidationIssue::Severity::Error});
  } else if (!node.is_null()) {
    out.push_back({prefix, scalar_text(node), kTree, 0, 0});
  }
}

// The environment variables that name a known key, as settings.
std::vector<Setting> from_environment(const Environment& env) {
  std::vector<Setting> out;
  for (const auto& variable : env) {
    const std::string& name = variable.first;
    auto setting = [&](std::string key) {
      return Setting{std::move(key), variable.second, "environment variable " + name, 0, 0};
    };
    for (const auto& spec : scalar_keys())
      if (name == env_name(spec.key)) out.push_back(setting(spec.key));
    for (const auto& spec : map_keys()) {
      std::string prefix = env_name(spec.prefix);
      if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
        out.push_back(setting(spec.prefix + spec.name_from_env(name.substr(prefix.size()))));
    }
  }
  return out;
}

Config build(std::vector<Setting> settings, std::vector<ValidationIssue> errors, const Environment& env) {
  Builder builder;
  for (const auto& s : settings) builder.apply(s);
  for (const auto& s : from_environment(env)) builder.apply(s);
  try {
    Config config = builder.finish();
    if (!errors.empty()) throw ConfigError(std::move(errors));
    return config;
  } catch (const ConfigError& e) {
    auto all = std::move(errors);
    all.insert(all.end(), e.issues().begin(), e.issues().end());
    throw ConfigError(std::move(all));
  }
}

std::string describe(const std::vector<ValidationIssue>& issues) {
  std::string out = "Invalid configuration:";
  for (const auto& issue : issues) out += "\n  " + issue.to_string();
  return out;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

namespace {
// Keys and messages quote the text as YAML read it, which need not be UTF-8 (a stream
// yaml-cpp took for UTF-16 or UTF-32, a NUL in a key).
std::vector<ValidationIssue> repaired(std::vector<ValidationIssue> issues) {
  for (auto& issue : issues) {
    issue.path = repair_utf8(issue.path);
    issue.message = repair_utf8(issue.message);
  }
  return issues;
}
}  // namespace

ConfigError::ConfigError(std::vector<ValidationIssue> issues)
    : Error(describe(repaired(issues))), issues_(repaired(std::move(issues))) {}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

Config load_config(const std::string& yaml, const std::string& file, const Environment& env) {
  if (auto problem = check_yaml_text(yaml, "the configuration"))
    throw ConfigError({{file, "", problem->position.line, problem->position.column, problem->message,
                        ValidationIssue::Severity::Error}});
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError({{file, "", e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + repair_utf8(e.msg),
                        ValidationIssue::Severity::Error}});
  }
  std::vector<Setting> settings;
  std::vector<ValidationIssue> errors;
  if (root.IsDefined() && !root.IsNull() && !root.IsMap())
    errors.push_back({file, "", 1, 1, "a configuration file must be a map of keys", ValidationIssue::Severity::Error});
  else if (root.IsMap())
    flatten_yaml(root, "", file, settings, errors);
  return build(std::move(settings), std::move(errors), env);
}

Config load_config_file(const std::string& path, const Environment& env) {
  std::ifstream in(path);
  if (!in) throw ConfigError({{path, "", 0, 0, "cannot read the configuration file", ValidationIssue::Severity::Error}});
  std::stringstream text;
  text << in.rdbuf();
  return load_config(text.str(), path, env);
}

Config config_from_value(const Value& tree, const Environment& env) {
  std::vector<Setting> settings;
  std::vector<ValidationIssue> errors;
  if (!tree.is_null() && !tree.is_object())
    errors.push_back({kTree, "", 0, 0, "a configuration must be a map of keys", ValidationIssue::Severity::Error});
  else
    flatten_value(tree, "", settings, errors);
  return build(std::move(settings), std::move(errors), env);
}

}  // namespace runwatch
