#pragma once
// The top level of a flow document: id, namespace, labels, inputs, tasks, triggers...
#include <memory>

#include <yaml-cpp/yaml.h>

#include "runwatch/flow/issues.h"
#include "runwatch/flow/template_scan.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"

namespace runwatch {

// The flow described by `root`, every problem reported into `issues`; the flow is only
// meaningful when no error was reported.
// With a scan, templated property values are compiled as they are read.
std::shared_ptr<Flow> build_flow(const YAML::Node& root, const TypeCatalog& catalog, IssueList& issues,
                                 const TemplateScan* scan);

}  // namespace runwatch
