#pragma once
// Builds the compiled template from the tokens, with Pebble's grammar and operator
// precedence; filters and tests are resolved here, so an unknown one is a compile error.
#include <string_view>

#include "runwatch/expr/ast.h"

namespace runwatch::expr {

// Throws TemplateError.
CompiledTemplate parse_template(std::string_view source);

}  // namespace runwatch::expr
