#pragma once
// JSON text in and out of the engine, bounded: parsing refuses documents nested deeper
// than kMaxJsonDepth (the recursive writers and converters after it never overflow the
// stack), and writing never throws on a value.
#include <cstddef>
#include <string>
#include <string_view>

#include "runwatch/model/value.h"

namespace runwatch {

inline constexpr size_t kMaxJsonDepth = 128;

// Value::parse; a document nested deeper than kMaxJsonDepth is a parse_error (id 101)
// at the offset where it goes too deep.
Value parse_json(std::string_view text);
// The same, a discarded Value instead of an exception.
Value parse_json_or_discarded(std::string_view text);

// Compact JSON (or indented); an invalid UTF-8 sequence left in a string is written as U+FFFD.
std::string dump_json(const Value& value, int indent = -1);

}  // namespace runwatch
