#include "runwatch/crypto/secret_cipher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "runwatch/crypto/base64.h"

namespace runwatch::crypto {
namespace {

constexpr int kIvBytes = 12;
constexpr int kTagBytes = 16;

const EVP_CIPHER* aes_gcm(size_t key_bytes) {
  return key_bytes == 16 ? EVP_aes_128_gcm() : key_bytes == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw CryptoError("OpenSSL could not allocate a cipher context");
  return ctx;
}

unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

SecretCipher SecretCipher::from_configured_key(std::string_view key) {
  if (key.size() < kMinSecretKeyChars)
    throw CryptoError("must be at least " + std::to_string(kMinSecretKeyChars) +
                      " characters, got " + std::to_string(key.size()));
  auto raw = base64_decode(key);
  if (!raw) throw CryptoError("must be Base64 (Kestra decodes it to the AES key)");
  if (raw->size() != 16 && raw->size() != 24 && raw->size() != 32) {
    size_t size = raw->size();
    OPENSSL_cleanse(raw->data(), raw->size());
    throw CryptoError("decodes to " + std::to_string(size) +
                      " bytes; an AES key is 16, 24 or 32 bytes");
  }
  SecretCipher cipher(std::string(raw->data(), raw->size()));
  OPENSSL_cleanse(raw->data(), raw->size());
  return cipher;
}

SecretCipher SecretCipher::ephemeral() {
  std::string key(32, '\0');
  if (RAND_bytes(bytes(key), static_cast<int>(key.size())) != 1) throw CryptoError("OpenSSL has no random bytes");
  return SecretCipher(std::move(key));
}

SecretCipher::~SecretCipher() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string SecretCipher::encrypt(std::string_view plain) const {
  std::string out(kIvBytes + plain.size() + kTagBytes, '\0');
  unsigned char* iv = bytes(out);
  if (RAND_bytes(iv, kIvBytes) != 1) throw CryptoError("OpenSSL has no random bytes");
  auto ctx = new_context();
  int written = 0, last = 0;
  if (EVP_EncryptInit_ex(ctx.get(), aes_gcm(key_.size()), nullptr, bytes(std::string_view(key_)), iv) != 1 ||
      EVP_EncryptUpdate(ctx.get(), iv + kIvBytes, &written, bytes(plain), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), iv + kIvBytes + written, &last) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, iv + kIvBytes + written + last) != 1)
    throw CryptoError("AES-GCM encryption failed");
  return base64_encode(out);
}

std::string SecretCipher::decrypt(std::string_view encrypted) const {
  auto input = base64_decode(encrypted);
  if (!input) throw CryptoError("the encrypted value is not Base64");
  if (input->size() < static_cast<size_t>(kIvBytes + kTagBytes)) throw CryptoError("the encrypted value is too short");
  const size_t text_bytes = input->size() - kIvBytes - kTagBytes;
  std::string plain(text_bytes, '\0');
  unsigned char* iv = bytes(*input);
  auto ctx = new_context();
  int written = 0, last = 0;
  bool ok = EVP_DecryptInit_ex(ctx.get(), aes_gcm(key_.size()), nullptr, bytes(std::string_view(key_)), iv) == 1 &&
            EVP_DecryptUpdate(ctx.get(), bytes(plain), &written, iv + kIvBytes, static_cast<int>(text_bytes)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, iv + kIvBytes + text_bytes) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + written, &last) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    throw CryptoError("the encrypted value does not open with the configured kestra.encryption.secret-key");
  }
  return plain;
}

}  // namespace runwatch::crypto
