#pragma once
// OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849), as X's API takes it.
#include <string>
#include <string_view>

#include "runwatch/net/url.h"

namespace runwatch {

struct OAuth1Credentials {
  std::string consumer_key;
  std::string consumer_secret;
  std::string token;
  std::string token_secret;
};

// The Authorization header of the request: "OAuth oauth_consumer_key=\"...\", ...". The
// signature covers the method, the URL with its query parameters, and `form`: the body's
// fields when the body is a form (a JSON body is not signed).
std::string oauth1_authorization(std::string_view method, std::string_view url, const OAuth1Credentials& credentials,
                                 std::string_view nonce, long long timestamp, const FormFields& form = {});

}  // namespace runwatch
