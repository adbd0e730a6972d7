#pragma once
// Random identifiers in Kestra's shape: 22 base62 characters from 128 random bits.
#include <string>

namespace runwatch {
std::string new_id();
}
