#pragma once
// A flow's `labels`: a mapping, or a list of {key, value} (Kestra accepts both).
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/flow/yaml_node.h"
#include "runwatch/model/flow.h"

namespace runwatch {

std::vector<Label> parse_labels(const MappingEntry& entry, IssueList& issues);

}  // namespace runwatch
