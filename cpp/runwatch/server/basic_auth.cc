#include "runwatch/server/basic_auth.h"

#include <openssl/crypto.h>

#include <cctype>

#include "runwatch/crypto/base64.h"
#include "runwatch/server/router.h"

namespace runwatch {

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool BasicAuthGate::authorized(const httplib::Request& request) const {
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kScheme = "basic";
  if (header.size() <= kScheme.size() + 1) return false;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return false;
  size_t token = header.find_first_not_of(' ', kScheme.size());
  if (token == kScheme.size() || token == std::string::npos) return false;
  auto decoded = crypto::base64_decode(std::string_view(header).substr(token));
  if (!decoded) return false;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  bool user = same_secret(std::string_view(*decoded).substr(0, colon), credentials_.username);
  bool password = same_secret(std::string_view(*decoded).substr(colon + 1), credentials_.password);
  return user & password;
}

void BasicAuthGate::challenge(httplib::Response& response, const std::string& message) const {
  response.set_header("WWW-Authenticate", "Basic realm=\"" + realm_ + "\"");
  json_error(response, 401, message);
}

}  // namespace runwatch
