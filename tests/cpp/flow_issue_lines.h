#pragma once
// A flow's load issues as "path line:column message" lines, for exact comparisons.
#include <string>
#include <vector>

#include "runwatch/flow/loader.h"
#include "runwatch/tasks/registry.h"

namespace runwatch::testing {

inline std::vector<std::string> issue_lines(const FlowLoadResult& result) {
  std::vector<std::string> out;
  for (const auto& issue : result.issues)
    out.push_back(issue.path + " " + std::to_string(issue.line) + ":" + std::to_string(issue.column) + " " +
                  issue.message);
  return out;
}

inline std::vector<std::string> issue_lines(const std::string& yaml) {
  return issue_lines(load_flow(yaml, "f.yaml", {PluginRegistry::global()}));
}

}  // namespace runwatch::testing
