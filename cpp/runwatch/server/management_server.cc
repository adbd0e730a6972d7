#include "runwatch/server/management_server.h"

#include <httplib.h>
#include <sys/statvfs.h>

#include <chrono>

#include "runwatch/logging/loggers.h"
#include "runwatch/model/time.h"
#include "runwatch/server/basic_auth.h"
#include "runwatch/server/metrics_endpoint.h"
#include "runwatch/server/router.h"

namespace runwatch {
namespace {

constexpr const char* kName = "runwatch";
// Management requests carry a few bytes ({"configuredLevel": "TRACE"}).
constexpr size_t kMaxBody = 64 * 1024;

Value indicator_json(const HealthIndicator& indicator) {
  Value out = {{"name", kName}, {"status", indicator.up ? "UP" : "DOWN"}};
  if (!indicator.details.empty()) out["details"] = indicator.details;
  return out;
}

HealthIndicator disk_space(const ManagementOptions& options) {
  struct statvfs fs {};
  if (statvfs(options.disk_space_path.c_str(), &fs) != 0)
    return {"diskSpace", false, {{"path", options.disk_space_path}, {"error", "cannot read the file system"}}};
  auto total = static_cast<std::int64_t>(fs.f_blocks) * static_cast<std::int64_t>(fs.f_frsize);
  auto free = static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize);
  return {"diskSpace", free >= options.disk_space_threshold,
          {{"total", total}, {"free", free}, {"threshold", options.disk_space_threshold}}};
}

// What a caller must not reach without credentials: the configuration, the threads'
// stacks, and changing log levels.
bool sensitive(const httplib::Request& req) {
  return req.path == "/env" || req.path == "/threaddump" || (req.method == "POST" && req.path.starts_with("/loggers"));
}

Value levels_json(const Loggers::Levels& levels) {
  return {{"configuredLevel", levels.configured ? Value(*levels.configured) : Value()},
          {"effectiveLevel", levels.effective}};
}

Value all_loggers() {
  Value loggers = Value::object();
  for (const auto& [name, levels] : Loggers::global().all()) loggers[name] = levels_json(levels);
  return {{"levels", Loggers::level_names()}, {"loggers", loggers}};
}

}  // namespace

ManagementOptions ManagementOptions::from(const Config& config) {
  ManagementOptions o;
  o.host = config.management_host;
  o.port = config.management_port;
  o.read_idle_timeout = config.read_idle_timeout;
  o.write_idle_timeout = config.write_idle_timeout;
  o.basic_auth = config.basic_auth;
  o.tls = config.management_tls;
  o.liveness_anonymous = config.liveness_anonymous;
  o.disk_space_threshold = config.disk_space_threshold;
  o.disk_space_path = config.disk_space_path;
  o.env = config.effective;
  return o;
}

struct ManagementServer::Impl {
  ManagementOptions options;
  ManagementSources sources;
  std::optional<BasicAuthGate> gate;
  Router router;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  const TimePoint started_at = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());

  Impl(ManagementOptions o, ManagementSources s) : options(std::move(o)), sources(std::move(s)) {
    if (options.basic_auth) gate.emplace(*options.basic_auth, kName);
    add_routes();
  }

  // Basic auth on every endpoint, but /health/liveness when it stays anonymous. Without
  // credentials, beyond loopback, the sensitive endpoints are refused.
  bool allowed(const httplib::Request& req, httplib::Response& res) const {
    if (!gate) {
      if (is_loopback_host(options.host) || !sensitive(req)) return true;
      json_error(res, 401,
                 "Unauthorized: " + req.path + " needs endpoints.all.basic-auth (username and password) when the "
                 "management server listens beyond loopback (endpoints.all.host is " + options.host + ")");
      return false;
    }
    if (options.liveness_anonymous && req.path == "/health/liveness") return true;
    if (gate->authorized(req)) return true;
    gate->challenge(res, "Unauthorized: this endpoint needs basic authentication");
    return false;
  }

  Answer health(bool with_disk) const {
    std::vector<HealthIndicator> indicators;
    if (sources.health) indicators = sources.health();
    if (with_disk) indicators.push_back(disk_space(options));
    bool up = true;
    Value details = Value::object();
    for (const auto& indicator : indicators) {
      up = up && indicator.up;
      details[indicator.name] = indicator_json(indicator);
    }
    return Answer::json({{"name", kName}, {"status", up ? "UP" : "DOWN"}, {"details", details}}, up ? 200 : 503);
  }

  void add_routes() {
    router.get("/health", [this](const Match&) { return health(true); });
    router.get("/health/liveness", [](const Match&) { return Answer::json({{"name", kName}, {"status", "UP"}}); });
    router.get("/health/readiness", [this](const Match&) { return health(false); });
    if (sources.prometheus)
      router.get("/prometheus", [this](const Match&) {
        return Answer::text(sources.prometheus(), "text/plain; version=0.0.4; charset=utf-8");
      });
    if (sources.metrics) add_metrics_routes(router, sources.metrics);
    if (sources.worker) router.get("/worker", [this](const Match&) { return Answer::json(sources.worker()); });
    if (sources.scheduler) router.get("/scheduler", [this](const Match&) { return Answer::json(sources.scheduler()); });
    if (sources.thread_dump)
      router.get("/threaddump", [this](const Match&) { return Answer::json(sources.thread_dump()); });
    router.get("/loggers", [](const Match&) { return Answer::json(all_loggers()); });
    router.get("/loggers/{name}",
               [](const Match& m) { return Answer::json(levels_json(Loggers::global().levels(m.param("name")))); });
    router.post("/loggers/{name}", [](const Match& m) {
      const Value body = m.json_body();
      if (!body.is_object() || !body.contains("configuredLevel"))
        throw HttpStatusError(400, "The body must be a JSON object with configuredLevel (a level, or null)");
      const Value& level = body["configuredLevel"];
      if (!level.is_null() && !level.is_string())
        throw HttpStatusError(400, "configuredLevel must be a level name or null");
      Loggers::global().configure(m.param("name"),
                                  level.is_null() ? std::nullopt : std::optional(level.get<std::string>()));
      return Answer::empty(200);
    });
    router.get("/info", [this](const Match&) {
      auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return Answer::json({{"app", {{"name", kName}, {"version", RUNWATCH_VERSION}}},
                           {"build", {{"compiler", "GCC " __VERSION__}, {"cplusplus", __cplusplus}}},
                           {"startTime", format_instant(started_at)},
                           {"uptimeSeconds", uptime}});
    });
    router.get("/env", [this](const Match&) {
      return Answer::json(
          {{"propertySources", Value::array({{{"name", "configuration"}, {"properties", options.env}}})}});
    });
  }
};

ManagementServer::ManagementServer(ManagementOptions options, ManagementSources sources)
    : ManagementServer(std::make_unique<Impl>(std::move(options), std::move(sources))) {}

ManagementServer::ManagementServer(std::unique_ptr<Impl> impl)
    : HttpServer({.what = "management server", .thread_prefix = "mgmt-http"}, impl->options, kMaxBody,
                 std::move(impl->router),
                 [routes = impl.get()](const httplib::Request& req, httplib::Response& res) {
                   return routes->allowed(req, res);
                 }),
      impl_(std::move(impl)) {}

ManagementServer::~ManagementServer() { stop(); }

}  // namespace runwatch
