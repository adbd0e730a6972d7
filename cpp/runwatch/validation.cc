#include "runwatch/validation.h"

#include <algorithm>
#include <tuple>

#include "runwatch/condition/lint.h"
#include "runwatch/engine.h"

namespace runwatch {

FlowLoadResult check_flow(std::string_view yaml, std::string_view file) {
  return load_flow(yaml, file, PluginRegistry::global(), &Engine::templates());
}

FlowLoadResult check_flow_file(const std::filesystem::path& path) {
  return load_flow_file(path, PluginRegistry::global(), &Engine::templates());
}

std::shared_ptr<Flow> flow_from_text(std::string_view yaml, std::string_view file) {
  return flow_or_throw(check_flow(yaml, file));
}

std::shared_ptr<Flow> flow_from_file(const std::filesystem::path& path) { return flow_or_throw(check_flow_file(path)); }

std::vector<ValidationIssue> lint_flows(const std::vector<std::shared_ptr<const Flow>>& flows,
                                        const std::vector<std::shared_ptr<const Flow>>& scope) {
  LintScope known;
  for (const auto& f : scope) known.flows.push_back(f.get());
  std::vector<ValidationIssue> issues;
  for (const auto& f : flows)
    for (auto& issue : lint_flow(*f, known)) issues.push_back(std::move(issue));
  return issues;
}

Validation validate_flows(const std::vector<std::filesystem::path>& paths, const std::vector<std::string>& texts) {
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
    for (const auto& file : files) take(check_flow_file(file));
  }
  for (size_t i = 0; i < texts.size(); ++i) take(check_flow(texts[i], "<text " + std::to_string(i + 1) + ">"));
  auto warnings = lint_flows(loaded, loaded);
  out.issues.insert(out.issues.end(), warnings.begin(), warnings.end());
  std::stable_sort(out.issues.begin(), out.issues.end(), [](const ValidationIssue& a, const ValidationIssue& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return out;
}

}  // namespace runwatch
