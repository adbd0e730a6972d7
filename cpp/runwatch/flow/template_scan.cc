#include "runwatch/flow/template_scan.h"

#include "runwatch/flow/path.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {
namespace {

bool has_template_syntax(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos ||
         text.find("{#") != std::string_view::npos;
}

int indentation(std::string_view line) {
  int n = 0;
  while (n < static_cast<int>(line.size()) && line[n] == ' ') ++n;
  return n;
}

}  // namespace

TemplateScan::TemplateScan(const TemplateChecker& checker, std::string_view source) : checker_(checker) {
  size_t start = 0;
  while (start <= source.size()) {
    size_t end = source.find('\n', start);
    if (end == std::string_view::npos) end = source.size();
    lines_.push_back(source.substr(start, end - start));
    start = end + 1;
  }
}

void TemplateScan::check(const YAML::Node& node, const std::string& path, IssueList& issues) const {
  if (node.IsScalar()) {
    check_scalar(node, path, issues);
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) check(node[i], index_path(path, i), issues);
  } else if (node.IsMap()) {
    for (const auto& entry : entries_of(node)) check(entry.value, key_path(path, entry.key), issues);
  }
}

void TemplateScan::check_scalar(const YAML::Node& scalar, const std::string& path, IssueList& issues) const {
  const std::string& text = scalar.Scalar();
  if (!has_template_syntax(text)) return;
  if (auto error = checker_.check(text))
    issues.error(path, file_position(scalar, *error), "template error: " + error->message);
}

// yaml-cpp marks a scalar at its first character: the quote of a quoted scalar, the
// `|` or `>` of a block scalar, whose text starts on the next line at its indentation.
SourcePos TemplateScan::file_position(const YAML::Node& scalar, const TemplateSyntaxError& error) const {
  SourcePos start = position_of(scalar);
  if (start.line < 1 || start.line > static_cast<int>(lines_.size())) return start;
  std::string_view line = lines_[start.line - 1];
  char first = start.column - 1 < static_cast<int>(line.size()) ? line[start.column - 1] : '\0';
  int content_line = start.line, content_column = start.column;
  if (first == '"' || first == '\'') {
    content_column += 1;
  } else if (first == '|' || first == '>') {
    content_line += 1;
    content_column = content_line <= static_cast<int>(lines_.size()) ? indentation(lines_[content_line - 1]) + 1 : 1;
  }
  if (error.line == 1) return {content_line, content_column + error.column - 1};
  bool block = first == '|' || first == '>';
  int column = block ? content_column + error.column - 1 : error.column;
  return {content_line + error.line - 1, column};
}

}  // namespace runwatch
