#include "runwatch/runtime/execution_logs.h"

#include <algorithm>
#include <unordered_map>

namespace runwatch {
namespace {

// A selected line and its group: the place of its task in the query's list (0 without a list).
struct Ranked {
  size_t rank;
  const LogEntry* line;
};

// Each listed task's place, its first one when it is listed twice.
std::unordered_map<std::string_view, size_t> ranks_of(const std::optional<std::vector<std::string>>& task_ids) {
  std::unordered_map<std::string_view, size_t> ranks;
  if (task_ids)
    for (size_t i = 0; i < task_ids->size(); ++i) ranks.emplace((*task_ids)[i], i);
  return ranks;
}

std::vector<Ranked> matching(const Execution& execution, const LogQuery& query) {
  const auto ranks = ranks_of(query.task_ids);
  const size_t end = std::min(query.first_lines, execution.logs.size());
  std::vector<Ranked> out;
  for (size_t i = 0; i < end; ++i) {
    const LogEntry& line = execution.logs[i];
    if (line.level < query.min_level) continue;
    if (!query.task_ids) {
      out.push_back({0, &line});
    } else if (auto rank = ranks.find(line.task_id); rank != ranks.end()) {
      out.push_back({rank->second, &line});
    }
  }
  return out;
}

}  // namespace

LogSelection select_logs(std::shared_ptr<const Execution> execution, const LogQuery& query) {
  auto ranked = matching(*execution, query);
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.line->timestamp < b.line->timestamp;
  });
  LogSelection selection{std::move(execution), {}, ranked.size()};
  const size_t kept = std::min(ranked.size(), query.limit);
  selection.lines.reserve(kept);
  for (size_t i = 0; i < kept; ++i) selection.lines.push_back(ranked[i].line);
  return selection;
}

std::optional<LogSelection> ExecutionLogReader::read(const LogQuery& query) const {
  auto execution = executions_.find(query.execution_id);
  if (!execution) return std::nullopt;
  return select_logs(std::move(execution), query);
}

}  // namespace runwatch
