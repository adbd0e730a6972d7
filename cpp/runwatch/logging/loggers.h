#pragma once
// Named loggers with hierarchical levels, as Kestra's (logback) and Micronaut's /loggers
// see them: `io.kestra.core.runners` configures every logger below it unless a child has
// its own level; ROOT is the top and defaults to INFO. Loggers are spdlog loggers sharing
// one sink (stdout by default); changing a level applies at once to every logger below.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/dist_sink.h>

#include "runwatch/model/error.h"

namespace runwatch {

// The runners' loggers (the spec's `logger.levels.io.kestra.core.runners: TRACE`).
inline constexpr const char* kExecutorLogger = "io.kestra.core.runners.Executor";
inline constexpr const char* kWorkerLogger = "io.kestra.core.runners.Worker";
inline constexpr const char* kSchedulerLogger = "io.kestra.core.runners.Scheduler";
inline constexpr const char* kFlowTriggerLogger = "io.kestra.core.runners.FlowTrigger";
inline constexpr const char* kAlertLogger = "io.runwatch.alerts";
inline constexpr const char* kServerLogger = "io.kestra.core.server";

// A name or level the logger registry refuses: the request's mistake.
class LoggerError : public Error {
 public:
  explicit LoggerError(const std::string& message) : Error(message, ErrorKind::Malformed) {}
};

class Loggers {
 public:
  struct Levels {
    std::optional<std::string> configured;  // TRACE, DEBUG, INFO, WARN, ERROR or OFF
    std::string effective;
  };

  static Loggers& global();

  // The logger called `name`, made on first use with its effective level.
  std::shared_ptr<spdlog::logger> get(const std::string& name);
  // Sets (or, with nullopt, clears) the level of `name` and of every logger below it
  // that has none of its own. ROOT cannot be cleared. Throws LoggerError.
  void configure(const std::string& name, std::optional<std::string> level);
  Levels levels(const std::string& name) const;
  // ROOT, then every logger made or configured, by name.
  std::map<std::string, Levels> all() const;
  // Where every logger writes; tests add a sink of their own.
  spdlog::sinks::dist_sink_mt& sink() { return *sink_; }

  static const std::vector<std::string>& level_names();  // OFF, ERROR, WARN, INFO, DEBUG, TRACE

 private:
  Loggers();
  std::string effective_locked(std::string_view name) const;
  void apply_locked();

  mutable std::mutex mutex_;
  std::shared_ptr<spdlog::sinks::dist_sink_mt> sink_;
  std::map<std::string, std::string> configured_;  // name -> level; always has ROOT
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers_;
};

// Sets every level of a configuration's logger.levels (names and levels already checked).
void apply_logger_levels(const std::map<std::string, std::string>& levels);

// Shorthand for Loggers::global().get(name).
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace runwatch
