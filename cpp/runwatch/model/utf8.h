#pragma once
// UTF-8 at the engine's boundaries: every text that enters is checked (and refused with
// where it went wrong) or repaired, so nothing past the boundary holds invalid bytes.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace runwatch {

// The byte offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF are invalid), or nullopt.
std::optional<size_t> invalid_utf8_at(std::string_view text);
inline bool is_valid_utf8(std::string_view text) { return !invalid_utf8_at(text); }

// The text with each invalid sequence replaced by U+FFFD, as Java decodes bytes.
std::string repair_utf8(std::string_view text);

// The 1-based line and column (in characters) of a byte offset, for messages.
struct TextPosition {
  int line = 1;
  int column = 1;
};
TextPosition position_of(std::string_view text, size_t offset);

// Where a text that must be UTF-8 is not, and a message for it: "<what> is not valid
// UTF-8: byte 0xC3 here".
struct Utf8Problem {
  TextPosition position;
  std::string message;
};
std::optional<Utf8Problem> find_utf8_problem(std::string_view text, std::string_view what);

}  // namespace runwatch
