#include "runwatch/expr/source_position.h"

namespace runwatch::expr {

SourcePosition position_of(std::string_view text, size_t offset) {
  SourcePosition position;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++position.column;
    }
  }
  return position;
}

}  // namespace runwatch::expr
