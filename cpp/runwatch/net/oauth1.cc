#include "runwatch/net/oauth1.h"

#include <algorithm>

#include "runwatch/crypto/base64.h"
#include "runwatch/crypto/digest.h"

namespace runwatch {

std::string oauth1_authorization(std::string_view method, std::string_view url, const OAuth1Credentials& credentials,
                                 std::string_view nonce, long long timestamp, const FormFields& form) {
  const FormFields protocol = {{"oauth_consumer_key", credentials.consumer_key},
                               {"oauth_nonce", std::string(nonce)},
                               {"oauth_signature_method", "HMAC-SHA1"},
                               {"oauth_timestamp", std::to_string(timestamp)},
                               {"oauth_token", credentials.token},
                               {"oauth_version", "1.0"}};
  // RFC 5849 3.4.1: every parameter encoded, sorted by name then value, over the URL
  // without its query.
  auto query = url.find('?');
  FormFields encoded;
  for (const FormFields* fields : {&protocol, &form})
    for (const auto& [name, value] : *fields) encoded.emplace_back(percent_encoded(name), percent_encoded(value));
  if (query != std::string_view::npos)
    for (const auto& [name, value] : form_fields(url.substr(query + 1)))
      encoded.emplace_back(percent_encoded(name), percent_encoded(value));
  std::sort(encoded.begin(), encoded.end());
  std::string parameters;
  for (const auto& [name, value] : encoded) parameters += (parameters.empty() ? "" : "&") + name + "=" + value;
  std::string base =
      std::string(method) + "&" + percent_encoded(url.substr(0, query)) + "&" + percent_encoded(parameters);
  std::string key = percent_encoded(credentials.consumer_secret) + "&" + percent_encoded(credentials.token_secret);
  std::string signature = crypto::base64_encode(crypto::hmac_sha1(key, base));

  std::string header = "OAuth ";
  auto add = [&header](std::string_view name, std::string_view value) {
    if (!header.ends_with(' ')) header += ", ";
    header += std::string(name) + "=\"" + percent_encoded(value) + "\"";
  };
  for (const auto& [name, value] : protocol) {
    add(name, value);
    if (name == "oauth_nonce") add("oauth_signature", signature);
  }
  return header;
}

}  // namespace runwatch
