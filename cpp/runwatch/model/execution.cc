#include "runwatch/model/execution.h"

#include <algorithm>
#include <array>
#include <memory>
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

// The outputs variable as a tree with an index per level: ordered_json finds a member by
// a linear search, which made a loop of N values cost N^2 comparisons per render.
class OutputsTree {
 public:
  OutputsTree& child(const std::string& key) {
    auto [it, added] = index_.try_emplace(key, children_.size());
    if (added) children_.emplace_back(key, std::make_unique<OutputsTree>());
    return *children_[it->second].second;
  }
  void set(const Value& outputs) {
    leaf_ = outputs;
    children_.clear();
    index_.clear();
  }
  Value value() && {
    if (children_.empty()) return std::move(leaf_);
    Value out = Value::object();
    auto& members = out.get_ref<Value::object_t&>();
    members.reserve(children_.size());
    for (auto& [key, tree] : children_) members.emplace_back(key, std::move(*tree).value());  // keys are unique
    return out;
  }

 private:
  Value leaf_;
  std::vector<std::pair<std::string, std::unique_ptr<OutputsTree>>> children_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

Value Execution::outputs() const {
  OutputsTree tree;
  std::unordered_map<std::string_view, const TaskRun*> by_id;  // only for loops
  if (std::any_of(task_runs.begin(), task_runs.end(), [](const TaskRun& tr) { return tr.value.has_value(); })) {
    by_id.reserve(task_runs.size());
    for (const auto& tr : task_runs) by_id.emplace(tr.id, &tr);
  }
  for (const auto& tr : task_runs) {
    if (tr.outputs.empty()) continue;
    OutputsTree* at = &tree.child(tr.task_id);
    if (tr.value)
      for (const std::string* value : loop_values(tr, by_id)) at = &at->child(*value);
    at->set(tr.outputs);
  }
  Value out = std::move(tree).value();
  return out.is_null() ? Value::object() : out;
}

std::optional<Duration> Execution::duration() const {
  auto end = state.end_date();
  if (!end) return std::nullopt;
  return *end - state.start_date();
}

}  // namespace runwatch
