#include "runwatch/model/error.h"

namespace runwatch {

std::string ValidationIssue::to_string() const {
  std::string out = file.empty() ? "<flow>" : file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += severity == Severity::Error ? ": error: " : ": warning: ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

namespace {
std::string summarize(const std::vector<ValidationIssue>& issues) {
  std::string out = "invalid flow";
  for (const auto& issue : issues) out += "\n  " + issue.to_string();
  return out;
}
}  // namespace

FlowValidationError::FlowValidationError(std::vector<ValidationIssue> issues)
    : Error(summarize(issues)), issues_(std::move(issues)) {}

}  // namespace runwatch
