#pragma once
// Kestra's identifier rules (^[a-zA-Z0-9][a-zA-Z0-9_-]*$ and its variants), checked by
// hand in one pass: an id may be any length, and a regular expression engine that
// recurses per character must never see it.
#include <string>
#include <string_view>

namespace runwatch {

struct IdentifierRule {
  bool lowercase_only = false;   // namespaces: a-z, not A-Z
  std::string_view more = "_-";  // allowed after the first character, besides letters and digits
};

bool is_identifier(std::string_view text, IdentifierRule rule = {});

// The text for a message: cut (with "...") past `limit` characters.
std::string shortened(std::string_view text, size_t limit = 100);

}  // namespace runwatch
