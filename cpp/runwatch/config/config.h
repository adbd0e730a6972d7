#pragma once
// The server's configuration, read as Kestra reads its application.yml: the spec's keys
// (kestra.metrics.prefix, kestra.metrics.tags, endpoints.all.port, endpoints.all.basic-auth,
// logger.levels.<name>), micronaut.server.port and the rest listed in config.cc, then
// environment overrides in Micronaut's style (ENDPOINTS_ALL_PORT=9000). Unknown keys are
// warnings; an invalid value is an error naming the key and where it was written.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/rate_limiter.h"
#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch {

struct BasicAuth {
  std::string username;
  std::string password;
};

// A TLS listener: its certificate chain and private key, PEM files (Micronaut 4.10's
// ssl.key-store.certificate-path and ssl.key-store.key-path).
struct TlsSettings {
  bool enabled = false;
  std::string certificate_path;
  std::string key_path;
};

// Where a server listens when its host key is not set: loopback only.
inline constexpr const char* kLoopbackHost = "127.0.0.1";

// True for 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches.
bool is_loopback_host(const std::string& host);

struct Config {
  // kestra.*
  std::string metrics_prefix = "kestra";
  std::map<std::string, std::string> metrics_tags;  // added to every series
  int worker_threads = 0;                           // 0: the engine's default
  // runwatch.metrics.precreate-series: each loaded flow's counters exist at zero.
  bool metrics_precreate_series = true;
  // kestra.repository.type, memory or sqlite; unset: the caller's default (memory for
  // Engine(), sqlite for `runwatch server`). kestra.repository.path: the SQLite file.
  std::optional<std::string> repository_type;
  std::string repository_path = "runwatch.db";
  // kestra.storage.type (local, the one runwatch has) and kestra.storage.local.base-path:
  // the internal storage's folder. Unset: a `storage` folder beside the SQLite file, or a
  // temporary folder for the memory repository.
  std::optional<std::string> storage_base_path;
  // kestra.repository.retention: executions (with their logs) that ended longer ago are
  // purged when the engine starts; unset: kept forever.
  std::optional<Duration> repository_retention;
  // kestra.alerts.silence-retention: how long expired silences are kept (runwatch's own key).
  Duration silence_retention = std::chrono::hours(24 * 5);
  // kestra.alerts.rate-limit.notifications and .period: at most that many notifications to
  // one receiver per period (runwatch's own keys); off by default.
  RateLimit notification_rate_limit;
  Duration termination_grace_period = std::chrono::seconds(30);
  // kestra.server.workerTaskRestartStrategy: NEVER (a task attempt a crash interrupted
  // fails, and so does its execution), IMMEDIATELY or AFTER_TERMINATION_GRACE_PERIOD (it
  // runs again when the engine starts: one process, so both mean the same).
  std::string worker_task_restart_strategy = "NEVER";
  // kestra.server.basic-auth.*: credentials every /api/v1 request needs, but the paths
  // starting with one of `api_open_urls` (the Webhook trigger's, as Kestra's default).
  std::optional<BasicAuth> api_basic_auth;
  std::string api_realm = "Kestra";
  std::vector<std::string> api_open_urls = {"/api/v1/executions/webhook/", "/api/v1/main/executions/webhook/"};
  // kestra.encryption.secret-key: the AES key (Base64, at least 32 characters) SECRET
  // inputs are encrypted with at rest.
  std::optional<std::string> encryption_secret_key;
  // kestra.url (an http or https URL: notifications link executions under it) and
  // kestra.environment.name: templates' `kestra.url` and `kestra.environment`.
  std::optional<std::string> kestra_url;
  std::optional<std::string> environment_name;
  // runwatch.api.wait-timeout: how long `?wait=true` waits before answering 202 with the
  // execution still running.
  Duration api_wait_timeout = std::chrono::seconds(60);
  // runwatch.template.render-timeout: how long rendering one task's properties may take.
  Duration render_timeout = std::chrono::seconds(10);
  // runwatch.tasks.cache-directory (an absolute path): where tasks keep what they reuse
  // across runs, such as Python virtualenvs. Unset: ~/.cache/runwatch (XDG_CACHE_HOME).
  std::optional<std::string> task_cache_directory;
  // endpoints.*: the management server. Port 0 takes any free port.
  std::string management_host = kLoopbackHost;  // endpoints.all.host (runwatch's key)
  int management_port = 8081;
  std::optional<BasicAuth> basic_auth;
  TlsSettings management_tls;  // endpoints.all.ssl.* (runwatch's keys), on endpoints.all.port
  bool liveness_anonymous = true;  // /health/liveness answers without credentials
  std::int64_t disk_space_threshold = 10 * 1024 * 1024;
  std::string disk_space_path = ".";
  // micronaut.server.*: the API server.
  std::string api_host = kLoopbackHost;
  int api_port = 8080;
  // micronaut.server.ssl.*: with TLS the API serves HTTPS only, on ssl.port (as Micronaut).
  TlsSettings api_tls;
  int api_ssl_port = 8443;
  std::int64_t max_request_size = 10 * 1024 * 1024;
  // micronaut.server.multipart.max-file-size: each file of a multipart request (FILE
  // inputs), streamed to the internal storage; Kestra's default.
  std::int64_t max_file_size = std::int64_t{10} * 1024 * 1024 * 1024;
  // micronaut.server.read-idle-timeout: a connection that sends nothing for this long
  // (between requests, or inside one) is closed, on both servers.
  Duration read_idle_timeout = std::chrono::seconds(10);
  // micronaut.server.write-idle-timeout: an answer must be written whole (read by its
  // client) within this, on both servers.
  Duration write_idle_timeout = std::chrono::seconds(60);
  // kestra.plugins.defaults, after the older kestra.tasks.defaults: a list of {type,
  // forced, values} that every flow gets after its own pluginDefaults. In YAML, a list; in
  // an environment variable (KESTRA_PLUGINS_DEFAULTS), its JSON.
  Value plugin_defaults = Value::array();
  Value task_defaults = Value::array();  // kestra.tasks.defaults as given (already in plugin_defaults)
  // logger.levels.<logger name>: TRACE, DEBUG, INFO, WARN, ERROR or OFF.
  std::map<std::string, std::string> logger_levels;

  // Every key given (file, then environment), with passwords and secrets masked: /env.
  Value effective = Value::object();
  // Unknown keys, each with where it was written.
  std::vector<ValidationIssue> warnings;
};

// Every invalid value of a configuration, each with its key and position.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::vector<ValidationIssue> issues);
  const std::vector<ValidationIssue>& issues() const { return issues_; }

 private:
  std::vector<ValidationIssue> issues_;
};

using Environment = std::map<std::string, std::string>;

// The process's environment variables.
Environment process_environment();

// From YAML text (`file` names it in messages), then the environment's overrides.
Config load_config(const std::string& yaml, const std::string& file, const Environment& env);
Config load_config_file(const std::string& path, const Environment& env);
// From a tree of maps (Python's dict), then the environment's overrides.
Config config_from_value(const Value& tree, const Environment& env);

}  // namespace runwatch
