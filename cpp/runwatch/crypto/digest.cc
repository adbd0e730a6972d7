#include "runwatch/crypto/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace runwatch::crypto {

std::string hex_digest(DigestKind kind, std::string_view data) {
  const EVP_MD* md = kind == DigestKind::Md5    ? EVP_md5()
                     : kind == DigestKind::Sha1 ? EVP_sha1()
                     : kind == DigestKind::Sha256 ? EVP_sha256()
                                                  : EVP_sha512();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

std::string hmac_sha1(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

}  // namespace runwatch::crypto
