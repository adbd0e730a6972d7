#include "runwatch/flow/loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "runwatch/flow/duplicate_keys.h"
#include "runwatch/flow/flow_parser.h"
#include "runwatch/flow/issues.h"
#include "runwatch/flow/plugin_defaults.h"
#include "runwatch/flow/template_scan.h"
#include "runwatch/model/utf8.h"
#include "runwatch/yaml/text_guard.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {

FlowLoadResult load_flow(std::string_view yaml, std::string_view file, const FlowLoadContext& context) {
  IssueList issues{std::string(file)};
  if (auto problem = check_yaml_text(yaml, "the flow")) {
    issues.error("", {problem->position.line, problem->position.column}, problem->message);
    return {nullptr, issues.sorted()};
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own message is "bad file"
    issues.error(
        "", {e.mark.line + 1, e.mark.column + 1},
        "YAML syntax error: lists and mappings nested more than " + std::to_string(e.depth() - 1) + " levels deep");
    return {nullptr, issues.sorted()};
  } catch (const YAML::ParserException& e) {
    issues.error("", {e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + repair_utf8(e.msg));
    return {nullptr, issues.sorted()};
  }
  report_duplicate_keys(root, issues);
  std::shared_ptr<Flow> flow;
  try {
    apply_plugin_defaults(root, context.plugin_defaults, context.catalog, issues);
    std::optional<TemplateScan> scan;
    if (context.templates) scan.emplace(*context.templates, yaml);
    flow = build_flow(root, context.catalog, issues, scan ? &*scan : nullptr);
  } catch (const YamlValueError& e) {
    issues.error("", e.pos(), e.what());
  } catch (const std::exception& e) {  // a value beyond what a check foresaw: still no crash
    issues.error("", {}, std::string("cannot load the flow: ") + e.what());
  }
  FlowLoadResult result{nullptr, issues.sorted()};
  if (!issues.has_errors()) {
    flow->source_file = std::string(file);
    flow->source = std::string(yaml);
    result.flow = std::move(flow);
  }
  return result;
}

FlowLoadResult load_flow_file(const std::filesystem::path& path, const FlowLoadContext& context) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ValidationIssue issue;
    issue.file = path.string();
    issue.message = "cannot read the file";
    return {nullptr, {issue}};
  }
  std::stringstream text;
  text << in.rdbuf();
  return load_flow(text.str(), path.string(), context);
}

std::shared_ptr<Flow> parse_flow(std::string_view yaml, std::string_view file, const FlowLoadContext& context) {
  return flow_or_throw(load_flow(yaml, file, context));
}

std::shared_ptr<Flow> flow_or_throw(FlowLoadResult result) {
  if (result.ok()) return result.flow;
  std::vector<ValidationIssue> errors;
  std::copy_if(result.issues.begin(), result.issues.end(), std::back_inserter(errors),
               [](const auto& issue) { return issue.severity == ValidationIssue::Severity::Error; });
  throw FlowValidationError(std::move(errors));
}

std::vector<std::filesystem::path> flow_files(const std::filesystem::path& path) {
  auto is_flow = [](const std::filesystem::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; };
  std::vector<std::filesystem::path> out;
  if (std::filesystem::is_regular_file(path)) {
    if (is_flow(path)) out.push_back(path);
    return out;
  }
  if (!std::filesystem::is_directory(path)) return out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
    if (entry.is_regular_file() && is_flow(entry.path())) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace runwatch
