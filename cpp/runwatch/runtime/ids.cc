#include "runwatch/runtime/ids.h"

#include <cstdint>
#include <random>

namespace runwatch {

std::string new_id() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  // 11 base62 digits hold 64 bits (62^11 > 2^64): two halves make 128 random bits.
  std::string id(22, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = rng();
    for (int i = 10; i >= 0; --i) {
      id[half * 11 + i] = kAlphabet[bits % 62];
      bits /= 62;
    }
  }
  return id;
}

}  // namespace runwatch
