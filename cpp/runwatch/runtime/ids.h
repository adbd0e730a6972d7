#pragma once
// Identifiers in Kestra's shape: 22 base62 characters from 128 bits.
#include <string>
#include <string_view>

namespace runwatch {
// From random bits.
std::string new_id();
// From the SHA-256 of `seed`: the same seed always gives the same id (an alert
// notification's execution, started again after a crash, is recognised as already there).
std::string derived_id(std::string_view seed);
}  // namespace runwatch
