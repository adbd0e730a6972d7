#pragma once
// The tests of `value is name`: defined, null, empty, even, odd, iterable, map, json.
#include <string_view>

#include "runwatch/model/value.h"

namespace runwatch::expr {

struct TestDef {
  std::string_view name;
  bool (*apply)(const Value& input);  // throws std::invalid_argument
  bool accepts_undefined = false;     // `defined`: an undefined input is null, not an error
};

const TestDef* find_test(std::string_view name);

}  // namespace runwatch::expr
