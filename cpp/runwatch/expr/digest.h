#pragma once
// Hashes (hex, lower case) and Base64 for the encoding filters.
#include <optional>
#include <string>
#include <string_view>

namespace runwatch::expr {

enum class DigestKind { Md5, Sha1, Sha256, Sha512 };
std::string hex_digest(DigestKind kind, std::string_view data);

std::string base64_encode(std::string_view data);
// Nothing when the text is not Base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace runwatch::expr
