#pragma once
// What every fuzz target shares: the input as text, and a check that aborts (a crash
// for libFuzzer and for the replay) when a property the engine promises does not hold.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "runwatch/model/utf8.h"

namespace runwatch::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "property broken: %s\n", property);
  std::abort();
}

// Error messages reach logs, JSON answers and Python: they must be UTF-8 whatever the input.
inline void require_utf8(std::string_view text, const char* what) {
  if (is_valid_utf8(text)) return;
  std::fprintf(stderr, "not UTF-8: %s\n", repair_utf8(text).c_str());
  require(false, what);
}

}  // namespace runwatch::fuzz
