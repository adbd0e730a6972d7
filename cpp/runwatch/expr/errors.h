#pragma once
// The two ways a template fails: at compile time (bad syntax, unknown filter) with its
// position in the template text, and at render time (undefined variable, bad operand).
#include <string>

#include "runwatch/model/error.h"

namespace runwatch::expr {

// A syntax error; line and column are 1-based in the template text (columns count
// Unicode code points).
struct TemplateError : runwatch::Error {
  TemplateError(int line, int column, std::string message);
  int line, column;
  std::string message;
};

// A failure while rendering. `what()` reads like Kestra's: for an undefined variable
// "Unable to find `name` used in the expression `template` at line N".
struct RenderError : runwatch::Error {
  RenderError(int line, std::string message, std::string full_text);
  int line;
  std::string message;  // without the template text, e.g. "Unable to find `x`"
};

// The RenderError of an undefined variable or attribute; `default`, `??` and
// `is defined` catch it.
struct UndefinedVariableError : RenderError {
  UndefinedVariableError(int line, std::string name, std::string message, std::string full_text);
  std::string name;
};

}  // namespace runwatch::expr
