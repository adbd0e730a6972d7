#pragma once
// A flow's `inputs`: Kestra's input types and their type-specific properties.
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/model/flow.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {

// `path`: where the list is ("inputs", or a task's "tasks[2].onResume").
std::vector<InputDef> parse_inputs(const MappingEntry& entry, IssueList& issues, const std::string& path = "inputs");
// A flow's `outputs`: typed as inputs are, each with the template of its `value` (kept in
// properties["value"]) and no `defaults`.
std::vector<InputDef> parse_outputs(const MappingEntry& entry, IssueList& issues);

}  // namespace runwatch
