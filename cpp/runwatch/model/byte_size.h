#pragma once
// Sizes as Micronaut reads them (max-file-size, a Split's `bytes`): digits, optionally
// followed by KB, MB or GB (binary units, KiB-style spellings too).
#include <cstdint>
#include <optional>
#include <string_view>

namespace runwatch {

inline constexpr std::int64_t kMaxByteSize = std::int64_t{1} << 40;  // 1 TB

// The size in bytes; nullopt when the text is not such a size or is past kMaxByteSize.
std::optional<std::int64_t> parse_byte_size(std::string_view text);

}  // namespace runwatch
