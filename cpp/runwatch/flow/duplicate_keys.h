#pragma once
// yaml-cpp keeps every occurrence of a repeated mapping key; Kestra refuses them.
#include <yaml-cpp/yaml.h>

#include "runwatch/flow/issues.h"

namespace runwatch {

// Reports each repeated key of every mapping in the document, at its second occurrence.
void report_duplicate_keys(const YAML::Node& root, IssueList& issues);

}  // namespace runwatch
