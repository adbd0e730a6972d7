#pragma once
// YAML -> Flow. Parses a flow file with yaml-cpp, checks it against the type catalog
// as Kestra does, and reports every problem of the file at once, each with its
// property path and line:column.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"
#include "runwatch/model/template_check.h"
#include "runwatch/model/value.h"

namespace runwatch {

struct FlowLoadResult {
  std::shared_ptr<Flow> flow;            // null when there is an error
  std::vector<ValidationIssue> issues;   // errors and warnings, in file order
  bool ok() const { return flow != nullptr; }
};

// What a flow is loaded against: its types, the template checker (null: templates are not
// compiled), and the server's plugin defaults (kestra.plugins.defaults: a list of {type,
// forced, values}, applied after the flow's own).
struct FlowLoadContext {
  const TypeCatalog& catalog;
  const TemplateChecker* templates = nullptr;
  Value plugin_defaults = Value::array();
};

// Never throws for bad input: every problem is an issue. `file` names the source in issues.
FlowLoadResult load_flow(std::string_view yaml, std::string_view file, const FlowLoadContext& context);

// Reads and loads one file; an unreadable file is an issue too.
FlowLoadResult load_flow_file(const std::filesystem::path& path, const FlowLoadContext& context);

// The result's flow, or FlowValidationError with its errors (not its warnings).
std::shared_ptr<Flow> flow_or_throw(FlowLoadResult result);

// Same as load_flow, but throws FlowValidationError (all error issues) when the flow is invalid.
std::shared_ptr<Flow> parse_flow(std::string_view yaml, std::string_view file, const FlowLoadContext& context);

// The *.yaml and *.yml files under path (or path itself), sorted.
std::vector<std::filesystem::path> flow_files(const std::filesystem::path& path);

}  // namespace runwatch
