#pragma once
// Base64 (RFC 4648, with padding), through OpenSSL.
#include <optional>
#include <string>
#include <string_view>

namespace runwatch::crypto {

std::string base64_encode(std::string_view data);
// Nothing when the text is not Base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace runwatch::crypto
