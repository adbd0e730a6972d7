// The server's configuration: the spec's keys from YAML, Micronaut-style environment
// overrides, unknown keys as warnings, and every invalid value named with its key and
// position.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runwatch/config/config.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

Config load(const std::string& yaml, const Environment& env = {}) { return load_config(yaml, "application.yml", env); }

// The messages of a configuration's errors.
std::vector<std::string> errors_of(const std::function<void()>& load_it) {
  try {
    load_it();
  } catch (const ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& issue : e.issues()) out.push_back(issue.to_string());
    return out;
  }
  ADD_FAILURE() << "no ConfigError";
  return {};
}

TEST(Config, DefaultsAreKestras) {
  Config c = load("");
  EXPECT_EQ(c.metrics_prefix, "kestra");
  EXPECT_EQ(c.management_port, 8081);
  EXPECT_EQ(c.api_port, 8080);
  EXPECT_FALSE(c.basic_auth.has_value());
  EXPECT_TRUE(c.liveness_anonymous);
  EXPECT_EQ(c.disk_space_threshold, 10 * 1024 * 1024);
  EXPECT_EQ(c.max_request_size, 10 * 1024 * 1024);
  EXPECT_EQ(c.repository_type, std::nullopt);
  EXPECT_EQ(c.repository_retention, std::nullopt);
  EXPECT_EQ(c.termination_grace_period, 30s);
  EXPECT_TRUE(c.logger_levels.empty());
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.effective, Value::object());
}

TEST(Config, TheSpecsApplicationYmlLoads) {
  Config c = load_config_file(RUNWATCH_SHARED_DIR "/spec/examples/application.yml", {});
  EXPECT_EQ(c.metrics_prefix, "kestra");
  EXPECT_EQ(c.management_port, 8081);
  EXPECT_EQ(c.logger_levels, (std::map<std::string, std::string>{{"io.kestra.core.runners", "INFO"}}));
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Config, EveryKeyIsRead) {
  Config c = load(R"(
kestra:
  metrics:
    prefix: acme
    tags:
      cluster: eu-1
      team: data
  worker:
    threads: 12
  repository:
    type: SQLite
    path: /var/lib/runwatch.db
    retention: P30D
  server:
    terminationGracePeriod: 5m
endpoints:
  all:
    port: 9081
    basic-auth:
      username: admin
      password: s3cret
  health:
    liveness:
      anonymous: false
    disk-space:
      threshold: 2MB
      path: /tmp
micronaut:
  server:
    port: 9080
    max-request-size: 512KB
logger:
  levels:
    io.kestra.core.runners: TRACE
    io.kestra.core.runners.Worker: debug
)");
  EXPECT_EQ(c.metrics_prefix, "acme");
  EXPECT_EQ(c.metrics_tags, (std::map<std::string, std::string>{{"cluster", "eu-1"}, {"team", "data"}}));
  EXPECT_EQ(c.worker_threads, 12);
  EXPECT_EQ(c.repository_type, "sqlite");
  EXPECT_EQ(c.repository_path, "/var/lib/runwatch.db");
  EXPECT_EQ(c.repository_retention, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.termination_grace_period, 5min);
  EXPECT_EQ(c.management_port, 9081);
  ASSERT_TRUE(c.basic_auth.has_value());
  EXPECT_EQ(c.basic_auth->username, "admin");
  EXPECT_EQ(c.basic_auth->password, "s3cret");
  EXPECT_FALSE(c.liveness_anonymous);
  EXPECT_EQ(c.disk_space_threshold, 2 * 1024 * 1024);
  EXPECT_EQ(c.disk_space_path, "/tmp");
  EXPECT_EQ(c.api_port, 9080);
  EXPECT_EQ(c.max_request_size, 512 * 1024);
  EXPECT_EQ(c.logger_levels, (std::map<std::string, std::string>{{"io.kestra.core.runners", "TRACE"},
                                                                  {"io.kestra.core.runners.Worker", "DEBUG"}}));
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.effective["endpoints.all.basic-auth.password"], "******");
  EXPECT_EQ(c.effective["endpoints.all.basic-auth.username"], "admin");
  EXPECT_EQ(c.effective["kestra.metrics.prefix"], "acme");
}

TEST(Config, RunwatchsTimeoutsHaveDefaultsAndLowerBounds) {
  Config defaults = load("");
  EXPECT_EQ(defaults.render_timeout, 10s);
  EXPECT_EQ(defaults.api_wait_timeout, 60s);
  EXPECT_EQ(defaults.read_idle_timeout, 10s);
  EXPECT_EQ(defaults.write_idle_timeout, 60s);
  Config c = load("runwatch:\n  template:\n    render-timeout: 250ms\n  api:\n    wait-timeout: PT5S\n"
                  "micronaut:\n  server:\n    write-idle-timeout: 2s\n");
  EXPECT_EQ(c.render_timeout, 250ms);
  EXPECT_EQ(c.api_wait_timeout, 5s);
  EXPECT_EQ(c.write_idle_timeout, 2s);
  EXPECT_EQ(errors_of([] { load("micronaut:\n  server:\n    write-idle-timeout: 10ms\n"); }),
            (std::vector<std::string>{
                "application.yml:3:25: error: micronaut.server.write-idle-timeout: must be at least 100ms, got '10ms'"}));
  EXPECT_EQ(errors_of([] { load("runwatch:\n  template:\n    render-timeout: 0s\n"); }),
            (std::vector<std::string>{
                "application.yml:3:21: error: runwatch.template.render-timeout: must be at least 1ms, got '0s'"}));
}

TEST(Config, TheEnvironmentOverridesTheFileInMicronautsStyle) {
  Config c = load("endpoints:\n  all:\n    port: 9081\n",
                  {{"ENDPOINTS_ALL_PORT", "7081"},
                   {"KESTRA_METRICS_PREFIX", "env"},
                   {"KESTRA_METRICS_TAGS_REGION", "us"},
                   {"LOGGER_LEVELS_IO_KESTRA_CORE_RUNNERS", "TRACE"},
                   {"ENDPOINTS_ALL_BASIC_AUTH_USERNAME", "ops"},
                   {"ENDPOINTS_ALL_BASIC_AUTH_PASSWORD", "pw"},
                   {"MICRONAUT_SERVER_PORT", "7080"},
                   {"HOME", "/root"}});
  EXPECT_EQ(c.management_port, 7081);
  EXPECT_EQ(c.metrics_prefix, "env");
  EXPECT_EQ(c.metrics_tags.at("region"), "us");
  EXPECT_EQ(c.logger_levels.at("io.kestra.core.runners"), "TRACE");
  EXPECT_EQ(c.basic_auth->username, "ops");
  EXPECT_EQ(c.api_port, 7080);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Config, UnknownKeysAreWarningsWithTheirPosition) {
  Config c = load("kestra:\n  metrics:\n    prefx: x\nfoo: 1\n");
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_EQ(c.warnings[0].to_string(), "application.yml:3:12: warning: kestra.metrics.prefx: unknown configuration key, ignored");
  EXPECT_EQ(c.warnings[1].to_string(), "application.yml:4:6: warning: foo: unknown configuration key, ignored");
  EXPECT_EQ(c.metrics_prefix, "kestra");
}

TEST(Config, EveryInvalidValueIsNamedWithItsKeyAndPosition) {
  auto errors = errors_of([] {
    load(R"(endpoints:
  all:
    port: http
micronaut:
  server:
    port: 70000
    max-request-size: lots
kestra:
  worker:
    threads: 0
  metrics:
    prefix: "9bad"
    tags:
      bad-tag: x
  server:
    termination-grace-period: soon
  repository:
    type: postgres
logger:
  levels:
    io.kestra: LOUD
)");
  });
  EXPECT_EQ(
      errors,
      (std::vector<std::string>{
          "application.yml:3:11: error: endpoints.all.port: must be a port number from 0 (any free port) to 65535, got "
          "'http'",
          "application.yml:6:11: error: micronaut.server.port: must be a port number from 0 (any free port) to 65535, "
          "got '70000'",
          "application.yml:7:23: error: micronaut.server.max-request-size: must be a size in bytes, or with KB, MB or "
          "GB (up to 1 TB), got 'lots'",
          "application.yml:10:14: error: kestra.worker.threads: must be a number of threads from 1 to 1024, got '0'",
          "application.yml:12:13: error: kestra.metrics.prefix: must be a metric name prefix (letters, digits, '_', "
          "':' and '.'), got '9bad'",
          "application.yml:14:16: error: kestra.metrics.tags.bad-tag: 'bad-tag' is not a valid Prometheus label name",
          "application.yml:16:31: error: kestra.server.termination-grace-period: must be a duration such as PT30S or "
          "30s, got 'soon'",
          "application.yml:18:11: error: kestra.repository.type: must be memory or sqlite, got 'postgres'",
          "application.yml:21:16: error: logger.levels.io.kestra: must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, "
          "got 'LOUD'",
      }));
}

TEST(Config, AnInvalidEnvironmentValueNamesTheVariable) {
  auto errors = errors_of([] { load("", {{"ENDPOINTS_ALL_PORT", "abc"}}); });
  EXPECT_EQ(errors, (std::vector<std::string>{"environment variable ENDPOINTS_ALL_PORT: error: endpoints.all.port: must be a "
                                              "port number from 0 (any free port) to 65535, got 'abc'"}));
}

TEST(Config, TextThatIsNotUtf8IsRefusedWithItsPosition) {
  EXPECT_EQ(errors_of([] { load("kestra:\n  metrics:\n    prefix: \"\x86\"\n"); }),
            (std::vector<std::string>{"application.yml:3:14: error: the configuration is not valid UTF-8: byte 0x86 here"}));
  EXPECT_EQ(errors_of([] { load("", {{"ENDPOINTS_ALL_PORT", "\xff"}}); }),
            (std::vector<std::string>{"environment variable ENDPOINTS_ALL_PORT: error: endpoints.all.port: must be a "
                                      "port number from 0 (any free port) to 65535, got '\ufffd'"}));
}

TEST(Config, ANulCharacterIsRefusedWithItsPosition) {
  EXPECT_EQ(errors_of([] { load(std::string("kestra:\n  me\0trics: {}\n", 23)); }),
            (std::vector<std::string>{"application.yml:2:5: error: the configuration holds a NUL character here, "
                                      "which YAML does not allow"}));
}

TEST(Config, AnAliasInsideWhatItNamesIsRefusedWithItsPosition) {
  EXPECT_EQ(errors_of([] { load("kestra:\n  metrics: &m {tags: *m}\n"); }),
            (std::vector<std::string>{"application.yml:2:22: error: this alias names a list or mapping that holds it: "
                                      "the document would never end"}));
}

TEST(Config, AnAliasBombIsRefusedBeforeItExpands) {
  std::string yaml = "l0: &l0 {a: x, b: x, c: x, d: x, e: x, f: x, g: x, h: x, i: x, j: x}\n";
  for (int level = 1; level <= 9; ++level) {
    std::string prev = "*l" + std::to_string(level - 1);
    yaml += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " {";
    for (int i = 0; i < 10; ++i) yaml += std::string(i ? ", " : "") + char('a' + i) + ": " + prev;
    yaml += "}\n";
  }
  EXPECT_EQ(errors_of([&] { load(yaml); }),
            (std::vector<std::string>{"application.yml:5:37: error: the document expands to more than 100000 values "
                                      "once its aliases are followed: it is refused (an alias bomb?)"}));
}

TEST(Config, BasicAuthNeedsBothParts) {
  auto errors = errors_of([] { load("endpoints:\n  all:\n    basic-auth:\n      username: admin\n"); });
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "<config>: error: endpoints.all.basic-auth: needs both a username and a password"}));
}

TEST(Config, TlsIsMicronautsSslKeysWithPemFiles) {
  auto folder = std::filesystem::temp_directory_path() / "runwatch-config-tls";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "cert.pem") << "certificate\n";
  std::ofstream(folder / "key.pem") << "key\n";
  const std::string cert = (folder / "cert.pem").string(), key = (folder / "key.pem").string();
  auto config = load("micronaut:\n  server:\n    ssl:\n      enabled: true\n      port: 9443\n      key-store:\n"
                     "        certificate-path: " + cert + "\n        key-path: file:" + key + "\n"
                     "endpoints:\n  all:\n    ssl:\n      enabled: true\n      key-store:\n"
                     "        certificate-path: " + cert + "\n        key-path: " + key + "\n");
  EXPECT_TRUE(config.api_tls.enabled);
  EXPECT_EQ(config.api_tls.certificate_path, cert);
  EXPECT_EQ(config.api_tls.key_path, key);
  EXPECT_EQ(config.api_ssl_port, 9443);
  EXPECT_TRUE(config.management_tls.enabled);
  EXPECT_EQ(config.management_tls.key_path, key);
  EXPECT_EQ(errors_of([] { load("micronaut:\n  server:\n    ssl:\n      enabled: true\n"); }),
            (std::vector<std::string>{"<config>: error: micronaut.server.ssl.enabled: is true: set "
                                      "micronaut.server.ssl.key-store.certificate-path and "
                                      "micronaut.server.ssl.key-store.key-path (PEM files)"}));
  EXPECT_EQ(errors_of([] { load("endpoints:\n  all:\n    ssl:\n      key-store:\n        key-path: /nonexistent/key.pem\n"); }),
            (std::vector<std::string>{"application.yml:5:19: error: endpoints.all.ssl.key-store.key-path: cannot read "
                                      "the file '/nonexistent/key.pem'"}));
  std::filesystem::remove_all(folder);
}

TEST(Config, MalformedYamlListsAndMissingFilesAreErrors) {
  EXPECT_EQ(errors_of([] { load("endpoints: [\n"); }),
            (std::vector<std::string>{"application.yml:2:1: error: invalid YAML: end of sequence flow not found"}));
  EXPECT_EQ(errors_of([] { load("- a\n- b\n"); }),
            (std::vector<std::string>{"application.yml:1:1: error: a configuration file must be a map of keys"}));
  EXPECT_EQ(errors_of([] { load("kestra:\n  ? {metrics: 1}\n  : 2\n"); }),
            (std::vector<std::string>{"application.yml:2:5: error: kestra: a configuration key must be a single value"}));
  EXPECT_EQ(errors_of([] { load("endpoints:\n  all:\n    port: [1, 2]\n"); }),
            (std::vector<std::string>{"application.yml:3:11: error: endpoints.all.port: must be a single value, got a list"}));
  EXPECT_EQ(errors_of([] { load_config_file("/nonexistent/application.yml", {}); }),
            (std::vector<std::string>{"/nonexistent/application.yml: error: cannot read the configuration file"}));
}

TEST(Config, ATreeReadsLikeAFile) {
  Config c = config_from_value({{"kestra", {{"metrics", {{"prefix", "py"}, {"tags", {{"env", "test"}}}}}, {"worker", {{"threads", 3}}}}},
                                {"endpoints", {{"all", {{"port", 0}}}}}},
                               {});
  EXPECT_EQ(c.metrics_prefix, "py");
  EXPECT_EQ(c.metrics_tags.at("env"), "test");
  EXPECT_EQ(c.worker_threads, 3);
  EXPECT_EQ(c.management_port, 0);
  EXPECT_EQ(errors_of([] { config_from_value({{"endpoints", {{"all", {{"port", true}}}}}}, {}); }),
            (std::vector<std::string>{"<config>: error: endpoints.all.port: must be a port number from 0 (any free port) to 65535, got 'true'"}));
  EXPECT_EQ(errors_of([] { config_from_value(Value::array(), {}); }),
            (std::vector<std::string>{"<config>: error: a configuration must be a map of keys"}));
}

}  // namespace
}  // namespace runwatch

namespace runwatch {
namespace {

TEST(ConfigPluginDefaults, BothKeysAreReadTheOlderFirstAndEnvShowsTypesOnly) {
  Config c = load(R"(kestra:
  plugins:
    defaults:
      - type: io.kestra.plugin.slack
        forced: true
        values:
          url: https://hooks.slack.com/services/T/B/secret
  tasks:
    defaults:
      - type: io.kestra.plugin.core.log.Log
        values:
          level: ERROR
)");
  EXPECT_EQ(c.plugin_defaults, Value({{{"type", "io.kestra.plugin.core.log.Log"}, {"values", {{"level", "ERROR"}}}},
                                      {{"type", "io.kestra.plugin.slack"},
                                       {"forced", true},
                                       {"values", {{"url", "https://hooks.slack.com/services/T/B/secret"}}}}}));
  EXPECT_EQ(c.effective["kestra.plugins.defaults"],
            Value({{{"type", "io.kestra.plugin.slack"}, {"forced", true}, {"values", "******"}}}));
}

TEST(ConfigPluginDefaults, TheEnvironmentGivesThemAsJson) {
  Config c = load(
      "", {{"KESTRA_PLUGINS_DEFAULTS", R"([{"type": "io.kestra.plugin.core.log", "values": {"level": "WARN"}}])"}});
  EXPECT_EQ(c.plugin_defaults, Value({{{"type", "io.kestra.plugin.core.log"}, {"values", {{"level", "WARN"}}}}}));
}

TEST(ConfigPluginDefaults, AMalformedDefaultIsNamedWithItsKeyAndPosition) {
  EXPECT_EQ(errors_of([] { load("kestra:\n  plugins:\n    defaults:\n      - type: x\n        values: [1]\n"); }),
            (std::vector<std::string>{"application.yml:4:7: error: kestra.plugins.defaults: item 1: 'values' must be a "
                                      "mapping of property values"}));
  EXPECT_EQ(errors_of([] { load("kestra:\n  plugins:\n    defaults:\n      - {type: x, values: {}, force: true}\n"); }),
            (std::vector<std::string>{"application.yml:4:7: error: kestra.plugins.defaults: item 1: unknown property "
                                      "'force' (type, values, forced)"}));
  EXPECT_EQ(errors_of([] { load("kestra:\n  plugins:\n    defaults: {type: x}\n"); }),
            (std::vector<std::string>{"application.yml:3:15: error: kestra.plugins.defaults: must be a list of {type, "
                                      "values, forced}"}));
  EXPECT_EQ(errors_of([] {
              load("", {{"KESTRA_PLUGINS_DEFAULTS", "not json"}});
            }),
            (std::vector<std::string>{"environment variable KESTRA_PLUGINS_DEFAULTS: error: kestra.plugins.defaults: "
                                      "must be a list of {type, values, forced}"}));
}

TEST(Config, TheWorkerTaskRestartStrategyIsKestrasKeyAndNeverByDefault) {
  EXPECT_EQ(load("").worker_task_restart_strategy, "NEVER");
  EXPECT_EQ(load("kestra:\n  server:\n    workerTaskRestartStrategy: IMMEDIATELY\n").worker_task_restart_strategy,
            "IMMEDIATELY");
  EXPECT_EQ(errors_of([] { load("kestra:\n  server:\n    workerTaskRestartStrategy: always\n"); }),
            (std::vector<std::string>{"application.yml:3:32: error: kestra.server.workerTaskRestartStrategy: must be "
                                      "NEVER, IMMEDIATELY or AFTER_TERMINATION_GRACE_PERIOD, got 'always'"}));
}

TEST(Config, PrecreatedSeriesCanBeTurnedOff) {
  EXPECT_TRUE(load("").metrics_precreate_series);
  EXPECT_FALSE(load("runwatch:\n  metrics:\n    precreate-series: false\n").metrics_precreate_series);
}

}  // namespace
}  // namespace runwatch
