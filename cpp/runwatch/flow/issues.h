#pragma once
// The problems found while loading one flow file, collected so that all are reported.
#include <string>
#include <vector>

#include "runwatch/model/error.h"
#include "runwatch/model/flow.h"

namespace runwatch {

class IssueList {
 public:
  explicit IssueList(std::string file) : file_(std::move(file)) {}

  void error(std::string path, SourcePos pos, std::string message);
  bool has_errors() const;
  // The issues in file order (line, then column); issues without a position first.
  std::vector<ValidationIssue> sorted() const;

 private:
  std::string file_;
  std::vector<ValidationIssue> issues_;
};

}  // namespace runwatch
