#pragma once
// The error hierarchy. Each class maps one-to-one to a Python exception.
#include <stdexcept>
#include <string>
#include <vector>

namespace runwatch {

// What kind of failure an error is. A server answers each kind with one status
// (server/router.h): Invalid 422 (what was asked is refused), Malformed 400, NotFound 404,
// Conflict 409, Unavailable 503 (the server's store, not the request, is at fault).
enum class ErrorKind { Invalid, Malformed, NotFound, Conflict, Unavailable };

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::Invalid)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// One problem found in a flow file: where it is and what is wrong.
struct ValidationIssue {
  enum class Severity { Error, Warning };
  std::string file;     // may be empty for flows given as text
  std::string path;     // property path, e.g. "tasks[1].errorMessage"
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string message;
  Severity severity = Severity::Error;

  // "file:line:column: error: path: message"
  std::string to_string() const;
};

class FlowValidationError : public Error {
 public:
  explicit FlowValidationError(std::vector<ValidationIssue> issues);
  const std::vector<ValidationIssue>& issues() const { return issues_; }

 private:
  std::vector<ValidationIssue> issues_;
};

// A reference to something that does not exist (flow, execution).
class NotFoundError : public Error {
 public:
  explicit NotFoundError(const std::string& message) : Error(message, ErrorKind::NotFound) {}
};

// Inputs given to an execution that do not match the flow's input declarations.
class InputError : public Error {
 public:
  using Error::Error;
};

}  // namespace runwatch
