#include "runwatch/model/byte_size.h"

#include <cctype>

namespace runwatch {

std::optional<std::int64_t> parse_byte_size(std::string_view text) {
  size_t i = 0;
  std::int64_t n = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    n = n * 10 + (text[i] - '0');
    if (n > kMaxByteSize) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string_view unit = text.substr(i);
  if (unit.empty()) return n;
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const bool binary = unit.size() == 3 && lower(unit[1]) == 'i';
  if (!(unit.size() == 2 || binary) || lower(unit.back()) != 'b') return std::nullopt;
  const char scale = lower(unit[0]);
  const int shift = scale == 'k' ? 10 : scale == 'm' ? 20 : scale == 'g' ? 30 : -1;
  if (shift < 0 || n > (kMaxByteSize >> shift)) return std::nullopt;
  return n << shift;
}

}  // namespace runwatch
