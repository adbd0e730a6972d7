#pragma once
// Turns a byte offset in the template text into the 1-based line and column people read
// (columns in Unicode code points): the model's text positions.
#include "runwatch/model/utf8.h"

namespace runwatch::expr {

using SourcePosition = TextPosition;
using runwatch::position_of;

}  // namespace runwatch::expr
