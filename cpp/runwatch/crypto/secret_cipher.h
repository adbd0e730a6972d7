#pragma once
// Encryption of SECRET inputs at rest, as Kestra's EncryptionService: AES/GCM/NoPadding
// with a random 12-byte IV and a 128-bit tag, written as Base64(IV || ciphertext || tag),
// with the key that kestra.encryption.secret-key gives in Base64. A value Kestra encrypted
// with the same key decrypts here, and the other way round.
#include <string>
#include <string_view>

#include "runwatch/model/error.h"

namespace runwatch::crypto {

// Kestra's minimum for kestra.encryption.secret-key.
inline constexpr size_t kMinSecretKeyChars = 32;

class CryptoError : public Error {
 public:
  using Error::Error;
};

class SecretCipher {
 public:
  // From kestra.encryption.secret-key: at least kMinSecretKeyChars characters of Base64
  // that decode to an AES key (16, 24 or 32 bytes). Throws CryptoError saying which rule
  // the key breaks ("must be at least 32 characters, got 12"), never quoting it.
  static SecretCipher from_configured_key(std::string_view key);
  // A random AES-256 key that exists only in this object: what is encrypted with it can
  // be read back only by this process.
  static SecretCipher ephemeral();

  SecretCipher(const SecretCipher& other) = default;
  SecretCipher& operator=(const SecretCipher& other) = default;
  ~SecretCipher();

  std::string encrypt(std::string_view plain) const;
  // Throws CryptoError when the text is not Base64, too short, or was not encrypted with
  // this key (or was altered since: the tag is checked).
  std::string decrypt(std::string_view encrypted) const;

 private:
  explicit SecretCipher(std::string key) : key_(std::move(key)) {}
  std::string key_;  // the raw AES key
};

}  // namespace runwatch::crypto
