#pragma once
// Checking flows before they run, one way for every caller (the Python package, the
// API, the CLI): each text or file loaded as the engine loads it (its plugins, its
// template checks) with every issue, then the flows that load linted together, so
// references to other flows and loops between them are checked too.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/flow/loader.h"
#include "runwatch/model/error.h"
#include "runwatch/model/flow.h"

namespace runwatch {

// Never throws for an invalid flow: the result holds the flow when it loads, and every
// issue. `plugin_defaults`: the server's (kestra.plugins.defaults), a list.
FlowLoadResult check_flow(std::string_view yaml, std::string_view file = {},
                          const Value& plugin_defaults = Value::array());
FlowLoadResult check_flow_file(const std::filesystem::path& path, const Value& plugin_defaults = Value::array());
// The flow, or FlowValidationError with the errors (not the warnings) of the text or file.
std::shared_ptr<Flow> flow_from_text(std::string_view yaml, std::string_view file = {},
                                     const Value& plugin_defaults = Value::array());
std::shared_ptr<Flow> flow_from_file(const std::filesystem::path& path, const Value& plugin_defaults = Value::array());

// The lint warnings of each of `flows`. `scope` is the flows they may name (those linted
// together, or those an engine runs): references to other flows and loops are checked
// against it; empty, they are not known and those checks are skipped.
std::vector<ValidationIssue> lint_flows(const std::vector<std::shared_ptr<const Flow>>& flows,
                                        const std::vector<std::shared_ptr<const Flow>>& scope);

struct Validation {
  size_t checked = 0;                   // files and texts
  std::vector<ValidationIssue> issues;  // errors and warnings, by file, line and column
};
// Every flow file under `paths` (files or folders: *.yaml, *.yml) and every text (named
// "<text N>" in issues): each loaded, then those that load linted together. A path that
// holds no flow file is an error issue of that path.
Validation validate_flows(const std::vector<std::filesystem::path>& paths, const std::vector<std::string>& texts,
                          const Value& plugin_defaults = Value::array());

}  // namespace runwatch
