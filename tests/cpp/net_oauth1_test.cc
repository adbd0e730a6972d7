// HMAC-SHA1, percent-encoding and forms, and OAuth 1.0a signing against X's documented
// example ("Creating a signature").
#include <gtest/gtest.h>

#include "runwatch/crypto/digest.h"
#include "runwatch/net/oauth1.h"

namespace runwatch {
namespace {

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += std::string{kHex[c >> 4], kHex[c & 0xF]};
  return out;
}

TEST(NetOAuth1, HmacSha1) {
  EXPECT_EQ(hex(crypto::hmac_sha1("key", "The quick brown fox jumps over the lazy dog")),
            "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
  EXPECT_EQ(hex(crypto::hmac_sha1("", "")), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

TEST(NetOAuth1, PercentEncodingAndForms) {
  EXPECT_EQ(percent_encoded("Ladies + Gentlemen, a~b_c-d.e*f/\xE2\x9E\x9B"),
            "Ladies%20%2B%20Gentlemen%2C%20a~b_c-d.e%2Af%2F%E2%9E%9B");
  FormFields fields = {{"Body", "a b&c=d"}, {"Identity", "1"}, {"Identity", "2"}};
  EXPECT_EQ(form_encoded(fields), "Body=a%20b%26c%3Dd&Identity=1&Identity=2");
  EXPECT_EQ(form_fields(form_encoded(fields)), fields);
  EXPECT_EQ(form_fields("a=1+2&&b&c=%zz%41"), (FormFields{{"a", "1 2"}, {"b", ""}, {"c", "%zzA"}}));
}

TEST(NetOAuth1, SignsAsXsDocumentedExample) {
  OAuth1Credentials credentials{"xvz1evFS4wEEPTGEFPHBog", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"};
  std::string header =
      oauth1_authorization("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
                           credentials, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958,
                           {{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"}});
  EXPECT_EQ(header,
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
            "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
            "oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", "
            "oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
            "oauth_version=\"1.0\"");
}

}  // namespace
}  // namespace runwatch
