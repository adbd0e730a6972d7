#pragma once
// A flow's `sla`: a list of {id, type, behavior, duration or assert, labels}.
#include <vector>

#include "runwatch/flow/issues.h"
#include "runwatch/model/flow.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {

std::vector<SlaDef> parse_slas(const MappingEntry& entry, IssueList& issues);

}  // namespace runwatch
