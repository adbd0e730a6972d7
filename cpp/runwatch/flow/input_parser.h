#pragma once
// A flow's `inputs`: Kestra's input types and their type-specific properties.
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/model/flow.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {

std::vector<InputDef> parse_inputs(const MappingEntry& entry, IssueList& issues);

}  // namespace runwatch
