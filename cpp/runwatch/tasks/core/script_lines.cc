#include "runwatch/tasks/core/script_lines.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"

#include <optional>
#include <string_view>

namespace runwatch {
namespace {

constexpr std::string_view kMarkerStart = "::{";
constexpr std::string_view kMarkerEnd = "}::";

// The JSON object of a `::{...}::` line.
std::optional<std::string> marker_json(std::string_view line) {
  if (line.size() < kMarkerStart.size() + kMarkerEnd.size()) return std::nullopt;
  if (!line.starts_with(kMarkerStart) || !line.ends_with(kMarkerEnd)) return std::nullopt;
  return std::string(line.substr(2, line.size() - 4));
}

}  // namespace

void ScriptLineConsumer::accept(OutputStream stream, std::string line) {
  if (!is_valid_utf8(line)) line = repair_utf8(line);  // a script may print any bytes
  if (stream == OutputStream::Stderr) ++stderr_lines_;
  if (auto json = marker_json(line)) return apply_marker(*json);
  ctx_.log(stream == OutputStream::Stderr ? LogLevel::WARN : LogLevel::INFO, std::move(line));
}

void ScriptLineConsumer::apply_marker(const std::string& json) {
  Value marker;
  try {
    marker = parse_json(json);
  } catch (const Value::parse_error& e) {
    ctx_.log(LogLevel::WARN, "Invalid outputs '" + std::string(e.what()) + "'");
    return;
  }
  const Value outputs = marker.is_object() ? marker.value("outputs", Value::object()) : Value();
  const Value logs = marker.is_object() ? marker.value("logs", Value::array()) : Value();
  if (!outputs.is_object() || !logs.is_array()) {
    ctx_.log(LogLevel::WARN, "Invalid outputs '" + json + "'");
    return;
  }
  vars_.update(outputs);
  for (const auto& entry : logs) log_entry(entry);
}

void ScriptLineConsumer::log_entry(const Value& entry) {
  const Value level = entry.is_object() ? entry.value("level", Value()) : Value();
  const Value message = entry.is_object() ? entry.value("message", Value()) : Value();
  auto parsed = level.is_string() ? parse_log_level(level.get<std::string>()) : std::nullopt;
  if (!parsed || !message.is_string()) {
    ctx_.log(LogLevel::WARN, "Invalid log '" + dump_json(entry) + "'");
    return;
  }
  ctx_.log(*parsed, message.get<std::string>());
}

}  // namespace runwatch
