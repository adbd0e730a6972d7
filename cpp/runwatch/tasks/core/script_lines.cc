#include "runwatch/tasks/core/script_lines.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <string_view>

#include "runwatch/model/error.h"
#include "runwatch/model/json_text.h"
#include "runwatch/model/utf8.h"
#include "runwatch/tasks/core/properties.h"

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

// Kestra's timers carry seconds; a Duration holds at most 292 years.
std::optional<Duration> seconds_of(const Value& value) {
  if (!value.is_number()) return std::nullopt;
  double seconds = value.get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 9e9) return std::nullopt;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

void ScriptLineConsumer::accept(OutputStream stream, std::string line) {
  if (!is_valid_utf8(line)) line = repair_utf8(line);  // a script may print any bytes
  ++(stream == OutputStream::Stderr ? stderr_lines_ : stdout_lines_);
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
  const Value metrics = marker.is_object() ? marker.value("metrics", Value::array()) : Value();
  const Value logs = marker.is_object() ? marker.value("logs", Value::array()) : Value();
  if (!outputs.is_object() || !metrics.is_array() || !logs.is_array()) {
    ctx_.log(LogLevel::WARN, "Invalid outputs '" + json + "'");
    return;
  }
  add_outputs(outputs, json.size());
  for (const auto& entry : metrics) emit_metric(entry);
  for (const auto& entry : logs) log_entry(entry);
}

void ScriptLineConsumer::add_outputs(const Value& outputs, size_t bytes) {
  if (outputs.empty()) return;
  size_t keys = vars_.size();
  for (auto it = outputs.begin(); it != outputs.end(); ++it) keys += vars_.contains(it.key()) ? 0 : 1;
  if (keys > kMaxScriptVars || output_bytes_ + bytes > kMaxScriptOutputBytes) {
    ctx_.log(LogLevel::WARN, "Outputs ignored: a script sets at most " + std::to_string(kMaxScriptVars) +
                                 " outputs in at most " + std::to_string(kMaxScriptOutputBytes >> 20) + " MiB");
    return;
  }
  output_bytes_ += bytes;
  vars_.update(outputs);
}

void ScriptLineConsumer::emit_metric(const Value& entry) {
  if (metrics_++ >= kMaxScriptMetrics) {
    if (metrics_ == kMaxScriptMetrics + 1)
      ctx_.log(LogLevel::WARN, "Metrics ignored: a script emits at most " + std::to_string(kMaxScriptMetrics));
    return;
  }
  const Value name = entry.is_object() ? entry.value("name", Value()) : Value();
  const Value type = entry.is_object() ? entry.value("type", Value()) : Value();
  const Value value = entry.is_object() ? entry.value("value", Value()) : Value();
  const Value tags = entry.is_object() ? entry.value("tags", Value::object()) : Value();
  auto invalid = [&](const std::string& why) {
    ctx_.log(LogLevel::WARN, "Invalid metric '" + dump_json(entry) + "': " + why);
  };
  if (!name.is_string()) return invalid("no name");
  if (!tags.is_object()) return invalid("tags must be a map");
  metrics::Tags tag_texts;
  for (auto it = tags.begin(); it != tags.end(); ++it) tag_texts[it.key()] = to_text(it.value());
  try {
    if (type == "counter" && value.is_number()) {
      ctx_.counter(name.get<std::string>(), value.get<double>(), tag_texts);
    } else if (auto seconds = type == "timer" ? seconds_of(value) : std::nullopt) {
      ctx_.timer(name.get<std::string>(), *seconds, tag_texts);
    } else {
      invalid("a counter's value is a number, a timer's a number of seconds");
    }
  } catch (const Error& e) {
    invalid(e.what());
  }
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
