#pragma once
// Splits a template into text and the tokens of its {{ }} and {% %} tags, the way
// Pebble's lexer does: comments dropped, whitespace control (`{{-`, `-%}`) applied,
// {% raw %} / {% verbatim %} bodies kept as text.
#include <string>
#include <string_view>
#include <vector>

namespace runwatch::expr {

// Pebble's whitespace: space, tab, line feed, carriage return, form feed, vertical tab.
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

enum class TokenKind {
  Text,
  PrintOpen,   // {{
  PrintClose,  // }}
  TagOpen,     // {%
  TagClose,    // %}
  Name,
  Integer,
  Float,
  String,               // a quoted string, unescaped; or a literal part of an interpolated one
  InterpolatedOpen,     // the opening " of a string holding #{...}
  InterpolationOpen,    // #{
  InterpolationClose,   // } closing #{
  InterpolatedClose,    // the closing "
  Operator,             // + - * / % ~ == != < > <= >= .. ?? ??? | and or not is "is not" in "not in" contains equals
  Punctuation,          // ( ) [ ] { } ? : . , =
  End,
};

struct Token {
  TokenKind kind;
  std::string text;
  size_t offset;  // byte offset of the token in the template text
};

// Throws TemplateError.
std::vector<Token> tokenize(std::string_view source);

}  // namespace runwatch::expr
