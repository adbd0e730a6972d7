#include "runwatch/model/execution.h"

#include <algorithm>
#include <array>
#include <unordered_map>

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

namespace {

// The loop values a run is nested in, outermost first: those of the runs that introduce
// one (a loop's iterations; deeper runs inherit it, and WaitFor's iterations have none of
// their own).
std::vector<const std::string*> loop_values(const TaskRun& run,
                                            const std::unordered_map<std::string_view, const TaskRun*>& by_id) {
  std::vector<const std::string*> values;
  for (const TaskRun* at = &run; at;) {
    auto parent = by_id.find(at->parent_task_run_id);
    const TaskRun* up = parent == by_id.end() ? nullptr : parent->second;
    if (at->iteration && at->value && (!up || up->value != at->value)) values.push_back(&*at->value);
    at = up;
  }
  std::reverse(values.begin(), values.end());
  return values;
}

}  // namespace

Value Execution::outputs() const {
  Value out = Value::object();
  std::unordered_map<std::string_view, const TaskRun*> by_id;  // only for loops
  if (std::any_of(task_runs.begin(), task_runs.end(), [](const TaskRun& tr) { return tr.value.has_value(); })) {
    by_id.reserve(task_runs.size());
    for (const auto& tr : task_runs) by_id.emplace(tr.id, &tr);
  }
  for (const auto& tr : task_runs) {
    if (tr.outputs.empty()) continue;
    Value* at = &out[tr.task_id];
    if (tr.value)
      for (const std::string* value : loop_values(tr, by_id)) at = &(*at)[*value];
    *at = tr.outputs;
  }
  return out;
}

std::optional<Duration> Execution::duration() const {
  auto end = state.end_date();
  if (!end) return std::nullopt;
  return *end - state.start_date();
}

}  // namespace runwatch
