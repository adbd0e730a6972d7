#pragma once
// Checks the templates in a flow's property values while it loads, and places each
// template syntax error at its line and column in the flow file.
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runwatch/flow/issues.h"
#include "runwatch/model/template_check.h"

namespace runwatch {

class TemplateScan {
 public:
  TemplateScan(const TemplateChecker& checker, std::string_view source);
  // Every string scalar under node (maps and lists walked), reported at `path`.
  void check(const YAML::Node& node, const std::string& path, IssueList& issues) const;

 private:
  void check_scalar(const YAML::Node& scalar, const std::string& path, IssueList& issues) const;
  SourcePos file_position(const YAML::Node& scalar, const TemplateSyntaxError& error) const;

  const TemplateChecker& checker_;
  std::vector<std::string_view> lines_;
};

}  // namespace runwatch
