#pragma once
// Property paths as issues name them: `tasks[1].errorMessage`, `inputs[0].type`.
#include <cstddef>
#include <string>
#include <string_view>

namespace runwatch {

inline std::string key_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

inline std::string index_path(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace runwatch
