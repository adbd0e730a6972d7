#pragma once
// Conditions and flows as the flow loader builds them, and executions to test them on.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "runwatch/condition/condition.h"
#include "runwatch/flow/loader.h"
#include "runwatch/tasks/registry.h"

namespace runwatch::testing {

inline std::string indented(const std::string& text, const std::string& indent) {
  std::istringstream lines(text);
  std::string out, line;
  while (std::getline(lines, line)) out += indent + line + "\n";
  return out;
}

// A monitoring flow with one Flow trigger; `conditions` is the YAML list under
// `conditions:` and `extra` more trigger properties, both written from column 0.
inline std::string monitoring_flow(const std::string& id, const std::string& ns, const std::string& conditions,
                                   const std::string& extra = "") {
  return "id: " + id + "\nnamespace: " + ns +
         "\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: fired\n"
         "triggers:\n  - id: listen\n    type: io.kestra.plugin.core.trigger.Flow\n" +
         indented(extra, "    ") + (conditions.empty() ? "" : "    conditions:\n" + indented(conditions, "      "));
}

inline std::shared_ptr<Flow> load_or_fail(const std::string& yaml) {
  auto result = load_flow(yaml, "monitor.yaml", {PluginRegistry::global()});
  for (const auto& issue : result.issues) ADD_FAILURE() << issue.to_string();
  if (!result.ok()) throw std::runtime_error("the flow does not load");
  return result.flow;
}

inline std::vector<ConditionDef> conditions_from(const std::string& yaml_list) {
  return load_or_fail(monitoring_flow("monitor", "company.monitoring", yaml_list))->triggers.at(0).conditions;
}

inline ConditionDef condition_from(const std::string& yaml_item) { return conditions_from(yaml_item).at(0); }

inline Execution execution_of(std::string ns, std::string flow_id, State state, std::vector<Label> labels = {}) {
  Execution e;
  e.id = "exec1";
  e.ns = std::move(ns);
  e.flow_id = std::move(flow_id);
  e.state = StateHistory(state);
  e.labels = std::move(labels);
  return e;
}

}  // namespace runwatch::testing
