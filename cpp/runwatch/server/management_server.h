#pragma once
// The management server (endpoints.all.port, 8081 by default), on threads of its own:
// /health (and /liveness, /readiness) and /metrics in Micronaut's shape, /prometheus,
// /worker, /scheduler, /loggers, /threaddump, /info and /env, behind basic auth when it is
// configured (without it, beyond loopback, /env, /threaddump and POST /loggers answer 401). It
// reads the engine only through ManagementSources, so it does not depend on the engine.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runwatch/config/config.h"
#include "runwatch/metrics/sample.h"
#include "runwatch/model/value.h"
#include "runwatch/server/http_server.h"

namespace runwatch {

// One part of /health: UP or DOWN, with details.
struct HealthIndicator {
  std::string name;
  bool up = true;
  Value details = Value::object();
};

struct ManagementSources {
  std::function<std::vector<HealthIndicator>()> health;  // the repository and the services
  std::function<std::string()> prometheus;               // the exposition text
  std::function<std::vector<metrics::Sample>()> metrics; // the same, as samples (/metrics)
  std::function<Value()> worker;                         // the running task runs
  std::function<Value()> scheduler;                      // the Schedule triggers and their next dates
  std::function<Value()> thread_dump;                    // every thread of the process
};

struct ManagementOptions : ListenOptions {
  ManagementOptions() { port = 8081; }

  std::optional<BasicAuth> basic_auth;
  bool liveness_anonymous = true;
  std::int64_t disk_space_threshold = 10 * 1024 * 1024;
  std::string disk_space_path = ".";
  Value env = Value::object();  // the effective configuration, secrets masked (/env)

  static ManagementOptions from(const Config& config);
};

class ManagementServer final : public HttpServer {
 public:
  // Listens at once; throws Error when the port cannot be bound.
  ManagementServer(ManagementOptions options, ManagementSources sources);
  ~ManagementServer() override;

 private:
  struct Impl;  // the routes' state: built before the server listens, ended after it stops
  explicit ManagementServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runwatch
