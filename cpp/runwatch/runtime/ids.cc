#include "runwatch/runtime/ids.h"

#include <cstdint>
#include <random>

#include "runwatch/crypto/digest.h"

namespace runwatch {
namespace {

// 11 base62 digits hold 64 bits (62^11 > 2^64): two halves make 128 bits.
std::string id_of(uint64_t high, uint64_t low) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string id(22, '0');
  uint64_t halves[2] = {high, low};
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = halves[half];
    for (int i = 10; i >= 0; --i) {
      id[half * 11 + i] = kAlphabet[bits % 62];
      bits /= 62;
    }
  }
  return id;
}

}  // namespace

std::string new_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t high = rng();
  return id_of(high, rng());
}

std::string derived_id(std::string_view seed) {
  std::string hex = crypto::hex_digest(crypto::DigestKind::Sha256, seed);
  return id_of(std::stoull(hex.substr(0, 16), nullptr, 16), std::stoull(hex.substr(16, 16), nullptr, 16));
}

}  // namespace runwatch
