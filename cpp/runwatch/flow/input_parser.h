#pragma once
// A flow's `inputs`: Kestra's input types and their type-specific properties.
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/flow/yaml_node.h"
#include "runwatch/model/flow.h"

namespace runwatch {

std::vector<InputDef> parse_inputs(const MappingEntry& entry, IssueList& issues);

}  // namespace runwatch
