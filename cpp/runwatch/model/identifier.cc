#include "runwatch/model/identifier.h"

namespace runwatch {
namespace {

bool is_letter_or_digit(char c, bool lowercase_only) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!lowercase_only && c >= 'A' && c <= 'Z');
}

}  // namespace

bool is_identifier(std::string_view text, IdentifierRule rule) {
  if (text.empty() || !is_letter_or_digit(text[0], rule.lowercase_only)) return false;
  for (char c : text.substr(1))
    if (!is_letter_or_digit(c, rule.lowercase_only) && rule.more.find(c) == std::string_view::npos) return false;
  return true;
}

std::string shortened(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace runwatch
