#pragma once
// The `labels` of a flow or a trigger: a mapping, or a list of {key, value} (Kestra accepts
// both). `parent` is the path of their owner ("" for the flow, "triggers[0]").
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/model/flow.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {

std::vector<Label> parse_labels(const MappingEntry& entry, IssueList& issues, const std::string& parent = "");

}  // namespace runwatch
