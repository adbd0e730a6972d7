#include "runwatch/model/json_text.h"

#include <optional>

namespace runwatch {
namespace {

// Where the text opens its kMaxJsonDepth + 1st nested array or object, if it does.
std::optional<size_t> too_deep_at(std::string_view text) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

Value parse_json(std::string_view text) {
  if (auto at = too_deep_at(text))
    throw Value::parse_error::create(101, *at + 1,
                                     "the document is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                                     nullptr);
  return Value::parse(text);
}

Value parse_json_or_discarded(std::string_view text) {
  if (too_deep_at(text)) return Value(Value::value_t::discarded);
  return Value::parse(text, nullptr, false);
}

std::string dump_json(const Value& value, int indent) {
  return value.dump(indent, ' ', false, Value::error_handler_t::replace);
}

}  // namespace runwatch
