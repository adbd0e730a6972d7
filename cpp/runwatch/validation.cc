#include "runwatch/validation.h"

#include <algorithm>
#include <tuple>

#include "runwatch/condition/lint.h"
#include "runwatch/engine.h"

namespace runwatch {

namespace {

FlowLoadContext context(const Value& plugin_defaults) {
  return {PluginRegistry::global(), &Engine::templates(), plugin_defaults};
}

}  // namespace

FlowLoadResult check_flow(std::string_view yaml, std::string_view file, const Value& plugin_defaults) {
  return load_flow(yaml, file, context(plugin_defaults));
}

FlowLoadResult check_flow_file(const std::filesystem::path& path, const Value& plugin_defaults) {
  return load_flow_file(path, context(plugin_defaults));
}

std::shared_ptr<Flow> flow_from_text(std::string_view yaml, std::string_view file, const Value& plugin_defaults) {
  return flow_or_throw(check_flow(yaml, file, plugin_defaults));
}

std::shared_ptr<Flow> flow_from_file(const std::filesystem::path& path, const Value& plugin_defaults) {
  return flow_or_throw(check_flow_file(path, plugin_defaults));
}

std::vector<ValidationIssue> lint_flows(const std::vector<std::shared_ptr<const Flow>>& flows,
                                        const std::vector<std::shared_ptr<const Flow>>& scope) {
  std::vector<const Flow*> scope_flows;
  for (const auto& f : scope) scope_flows.push_back(f.get());
  const LintScope known(scope_flows);
  std::vector<ValidationIssue> issues;
  for (const auto& f : flows)
    for (auto& issue : lint_flow(*f, known)) issues.push_back(std::move(issue));
  return issues;
}

Validation validate_flows(const std::vector<std::filesystem::path>& paths, const std::vector<std::string>& texts,
                          const Value& plugin_defaults) {
  Validation out;
  std::vector<std::shared_ptr<const Flow>> loaded;
  auto take = [&](FlowLoadResult result) {
    ++out.checked;
    out.issues.insert(out.issues.end(), result.issues.begin(), result.issues.end());
    if (result.flow) loaded.push_back(std::move(result.flow));
  };
  for (const auto& path : paths) {
    auto files = flow_files(path);
    if (files.empty())
      out.issues.push_back({path.string(), "", 0, 0, "no flow file (*.yaml, *.yml) found", ValidationIssue::Severity::Error});
    for (const auto& file : files) take(check_flow_file(file, plugin_defaults));
  }
  for (size_t i = 0; i < texts.size(); ++i)
    take(check_flow(texts[i], "<text " + std::to_string(i + 1) + ">", plugin_defaults));
  auto warnings = lint_flows(loaded, loaded);
  out.issues.insert(out.issues.end(), warnings.begin(), warnings.end());
  std::stable_sort(out.issues.begin(), out.issues.end(), [](const ValidationIssue& a, const ValidationIssue& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return out;
}

}  // namespace runwatch
