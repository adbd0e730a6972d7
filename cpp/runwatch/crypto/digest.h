#pragma once
// Hashes (hex, lower case) for the encoding filters.
#include <string>
#include <string_view>

namespace runwatch::crypto {

enum class DigestKind { Md5, Sha1, Sha256, Sha512 };
std::string hex_digest(DigestKind kind, std::string_view data);

}  // namespace runwatch::crypto
