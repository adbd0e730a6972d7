#include "runwatch/logging/loggers.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cctype>

namespace runwatch {
namespace {

constexpr const char* kRoot = "ROOT";

spdlog::level::level_enum to_spdlog(const std::string& level) {
  if (level == "TRACE") return spdlog::level::trace;
  if (level == "DEBUG") return spdlog::level::debug;
  if (level == "INFO") return spdlog::level::info;
  if (level == "WARN") return spdlog::level::warn;
  if (level == "ERROR") return spdlog::level::err;
  return spdlog::level::off;
}

std::string checked_level(std::string level) {
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  const auto& names = Loggers::level_names();
  if (std::find(names.begin(), names.end(), level) == names.end())
    throw LoggerError("Unknown log level '" + level + "': expected one of OFF, ERROR, WARN, INFO, DEBUG, TRACE");
  return level;
}

// Dotted Java-style names (letters, digits, '_', '$', '-'), or ROOT.
void check_name(const std::string& name) {
  auto segment_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '-'; };
  bool dotted = !name.empty() && name.front() != '.' && name.back() != '.' && name.find("..") == std::string::npos &&
                std::all_of(name.begin(), name.end(), [&](char c) { return c == '.' || segment_char(c); });
  if (name != kRoot && !dotted)
    throw LoggerError("Invalid logger name '" + (name.size() > 100 ? name.substr(0, 100) + "..." : name) + "': expected dotted names such as io.kestra.core.runners");
}

}  // namespace

Loggers& Loggers::global() {
  static Loggers loggers;
  return loggers;
}

Loggers::Loggers() : sink_(std::make_shared<spdlog::sinks::dist_sink_mt>()) {
  sink_->add_sink(std::make_shared<spdlog::sinks::stdout_sink_mt>());
  sink_->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5!l %n %v");
  configured_[kRoot] = "INFO";
}

const std::vector<std::string>& Loggers::level_names() {
  static const std::vector<std::string> names = {"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
  return names;
}

std::string Loggers::effective_locked(std::string_view name) const {
  for (;;) {
    if (auto it = configured_.find(std::string(name)); it != configured_.end()) return it->second;
    size_t dot = name.rfind('.');
    if (dot == std::string_view::npos) return configured_.at(kRoot);
    name = name.substr(0, dot);
  }
}

void Loggers::apply_locked() {
  for (auto& [name, logger] : loggers_) logger->set_level(to_spdlog(effective_locked(name)));
}

std::shared_ptr<spdlog::logger> Loggers::get(const std::string& name) {
  check_name(name);
  std::lock_guard lock(mutex_);
  auto& logger = loggers_[name];
  if (!logger) {
    logger = std::make_shared<spdlog::logger>(name, sink_);
    logger->set_level(to_spdlog(effective_locked(name)));
  }
  return logger;
}

void Loggers::configure(const std::string& name, std::optional<std::string> level) {
  check_name(name);
  if (!level && name == kRoot) throw LoggerError("The ROOT logger's level cannot be cleared");
  std::lock_guard lock(mutex_);
  if (level) configured_[name] = checked_level(*level);
  else configured_.erase(name);
  apply_locked();
}

Loggers::Levels Loggers::levels(const std::string& name) const {
  check_name(name);
  std::lock_guard lock(mutex_);
  auto it = configured_.find(name);
  return {it == configured_.end() ? std::nullopt : std::optional(it->second), effective_locked(name)};
}

std::map<std::string, Loggers::Levels> Loggers::all() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, Levels> out;
  auto add = [&](const std::string& name) {
    auto it = configured_.find(name);
    out[name] = {it == configured_.end() ? std::nullopt : std::optional(it->second), effective_locked(name)};
  };
  for (const auto& [name, level] : configured_) add(name);
  for (const auto& [name, logger] : loggers_) add(name);
  return out;
}

void apply_logger_levels(const std::map<std::string, std::string>& levels) {
  for (const auto& [name, level] : levels) Loggers::global().configure(name, level);
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) { return Loggers::global().get(name); }

}  // namespace runwatch
