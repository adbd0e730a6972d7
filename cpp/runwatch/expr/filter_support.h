#pragma once
// Argument checks shared by the filter files; each throws std::invalid_argument.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "runwatch/expr/value_ops.h"
#include "runwatch/model/value.h"

namespace runwatch::expr {

inline const std::string& string_input(const Value& input, const char* what) {
  if (!input.is_string()) throw std::invalid_argument(std::string(what) + " expects a string, got " + java_string(input));
  return input.get_ref<const std::string&>();
}

inline std::int64_t integer_argument(const Value& value, const char* name) {
  if (!value.is_number_integer()) throw std::invalid_argument(std::string("argument '") + name + "' must be an integer");
  return value.get<std::int64_t>();
}

inline const std::string& string_argument(const Value& value, const char* name) {
  if (!value.is_string()) throw std::invalid_argument(std::string("argument '") + name + "' must be a string");
  return value.get_ref<const std::string&>();
}

}  // namespace runwatch::expr
