#pragma once
// Answer bodies shown in messages and outputs: they may be long, binary or cut mid-character.
#include <cstddef>
#include <string>
#include <string_view>

namespace runwatch {

bool is_valid_utf8(std::string_view text);
// At most max_bytes of text, never cutting a character, invalid bytes shown as U+FFFD,
// and "..." when something was left out.
std::string excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace runwatch
