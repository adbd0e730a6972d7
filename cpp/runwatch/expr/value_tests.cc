#include "runwatch/expr/value_tests.h"

#include <array>
#include <stdexcept>

namespace runwatch::expr {
namespace {

bool is_null(const Value& v) { return v.is_null(); }
bool is_defined(const Value& v) { return !v.is_null(); }

// Pebble: null, a blank string, an empty list or map.
bool is_empty(const Value& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.get_ref<const std::string&>().find_first_not_of(" \t\n\r\f\v") == std::string::npos;
  if (v.is_structured()) return v.empty();
  return false;
}

std::int64_t integer_of(const Value& v, const char* test) {
  if (!v.is_number_integer()) throw std::invalid_argument(std::string("Can not evaluate \"") + test + "\" on a value that is not an integer");
  return v.get<std::int64_t>();
}

bool is_even(const Value& v) { return integer_of(v, "even") % 2 == 0; }
bool is_odd(const Value& v) { return integer_of(v, "odd") % 2 != 0; }
bool is_iterable(const Value& v) { return v.is_array(); }
bool is_map(const Value& v) { return v.is_object(); }

// Kestra: a string that parses as JSON.
bool is_json(const Value& v) {
  if (!v.is_string()) return false;
  return Value::accept(v.get_ref<const std::string&>());
}

constexpr std::array<TestDef, 8> kTests = {{
    {"defined", is_defined, true},
    {"null", is_null},
    {"empty", is_empty},
    {"even", is_even},
    {"odd", is_odd},
    {"iterable", is_iterable},
    {"map", is_map},
    {"json", is_json},
}};

}  // namespace

const TestDef* find_test(std::string_view name) {
  for (const auto& test : kTests)
    if (test.name == name) return &test;
  return nullptr;
}

}  // namespace runwatch::expr
