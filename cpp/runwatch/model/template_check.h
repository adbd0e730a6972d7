#pragma once
// How the flow loader asks the template engine whether a property's text compiles,
// without depending on it: the engine hands the loader a TemplateChecker.
#include <optional>
#include <string>
#include <string_view>

namespace runwatch {

struct TemplateSyntaxError {
  int line = 1;    // 1-based, inside the template text
  int column = 1;  // 1-based, inside the template text
  std::string message;
};

class TemplateChecker {
 public:
  virtual ~TemplateChecker() = default;
  // Compiles the text (keeping the result, so that rendering never compiles again);
  // the syntax error when it does not compile.
  virtual std::optional<TemplateSyntaxError> check(std::string_view text) const = 0;
};

}  // namespace runwatch
