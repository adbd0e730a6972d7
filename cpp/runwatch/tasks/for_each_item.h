#pragma once
// Kestra's ForEachItem: a subflow per batch of a stored file's lines, in three internal
// steps that are task runs of their own, as in Kestra (flows read their outputs):
// <id>_split, <id>_items and <id>_merge.
#include <memory>
#include <string_view>
#include <vector>

namespace runwatch {

class TaskType;

inline constexpr std::string_view kForEachItemSplitType = "io.kestra.plugin.core.flow.ForEachItem$ForEachItemSplit";
inline constexpr std::string_view kForEachItemExecutableType =
    "io.kestra.plugin.core.flow.ForEachItem$ForEachItemExecutable";
inline constexpr std::string_view kForEachItemMergeType =
    "io.kestra.plugin.core.flow.ForEachItem$ForEachItemMergeOutputs";

// ForEachItem and its subflows and merge steps (the split step runs on a worker: core).
std::vector<std::shared_ptr<const TaskType>> make_for_each_item_tasks();

}  // namespace runwatch
