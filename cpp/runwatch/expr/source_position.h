#pragma once
// Turns a byte offset in the template text into the 1-based line and column people read.
#include <cstddef>
#include <string_view>

namespace runwatch::expr {

struct SourcePosition {
  int line = 1;
  int column = 1;  // in Unicode code points
};

SourcePosition position_of(std::string_view text, size_t offset);

}  // namespace runwatch::expr
