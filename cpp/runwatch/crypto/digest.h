#pragma once
// Hashes (hex, lower case) for the encoding filters, and HMAC for signing requests.
#include <string>
#include <string_view>

namespace runwatch::crypto {

enum class DigestKind { Md5, Sha1, Sha256, Sha512 };
std::string hex_digest(DigestKind kind, std::string_view data);
// HMAC-SHA1 (RFC 2104) of `data` under `key`: the 20 raw bytes.
std::string hmac_sha1(std::string_view key, std::string_view data);

}  // namespace runwatch::crypto
