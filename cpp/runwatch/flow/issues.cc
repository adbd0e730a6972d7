#include "runwatch/flow/issues.h"

#include <algorithm>

#include "runwatch/model/utf8.h"

namespace runwatch {

void IssueList::error(std::string path, SourcePos pos, std::string message) {
  // Messages quote what the file holds; whatever a check missed, they stay UTF-8.
  issues_.push_back({file_, repair_utf8(path), pos.line, pos.column, repair_utf8(message), ValidationIssue::Severity::Error});
}

bool IssueList::has_errors() const {
  return std::any_of(issues_.begin(), issues_.end(),
                     [](const auto& issue) { return issue.severity == ValidationIssue::Severity::Error; });
}

std::vector<ValidationIssue> IssueList::sorted() const {
  auto out = issues_;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return out;
}

}  // namespace runwatch
