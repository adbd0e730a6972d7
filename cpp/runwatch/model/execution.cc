#include "runwatch/model/execution.h"

#include <array>

namespace runwatch {
namespace {
constexpr std::array<std::string_view, 5> kLevels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
}

std::string_view to_string(LogLevel level) { return kLevels[static_cast<size_t>(level)]; }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "WARNING") return LogLevel::WARN;
  for (size_t i = 0; i < kLevels.size(); ++i)
    if (kLevels[i] == name) return static_cast<LogLevel>(i);
  return std::nullopt;
}

Value Execution::outputs() const {
  Value out = Value::object();
  for (const auto& tr : task_runs)
    if (!tr.outputs.empty()) out[tr.task_id] = tr.outputs;
  return out;
}

std::optional<Duration> Execution::duration() const {
  auto end = state.end_date();
  if (!end) return std::nullopt;
  return *end - state.start_date();
}

}  // namespace runwatch
