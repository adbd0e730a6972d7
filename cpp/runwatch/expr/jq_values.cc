// jq's value semantics: type names, truth, its total order (null < false < true <
// numbers < strings < arrays < objects) and its operators. Integers stay integers where
// the result is exact, as jackson-jq keeps them, so that `{{ x | jq('.n + 1') }}` prints 3.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "runwatch/expr/jq_ast.h"
#include "runwatch/model/size_limits.h"

namespace runwatch::expr::jq {
namespace {

int rank(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return 0;
    case Value::value_t::boolean:
      return v.get<bool>() ? 2 : 1;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return 3;
    case Value::value_t::string:
      return 4;
    case Value::value_t::array:
      return 5;
    case Value::value_t::object:
      return 6;
    default:
      return 0;
  }
}

std::vector<std::string> sorted_keys(const Value& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

[[noreturn]] void cannot(std::string_view op, const Value& a, const Value& b) {
  throw RuntimeError(type_name(a) + " and " + type_name(b) + " cannot be " + std::string(op));
}

// A number held as an integer that fits int64 (JSON's positive integers parse as unsigned).
bool is_int64(const Value& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX);
  return v.is_number_integer();
}

bool both_integers(const Value& a, const Value& b) { return is_int64(a) && is_int64(b); }

Value add(const Value& a, const Value& b) {
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (a.is_number() && b.is_number()) {
    std::int64_t sum = 0;
    if (both_integers(a, b) && !__builtin_add_overflow(a.get<std::int64_t>(), b.get<std::int64_t>(), &sum)) return sum;
    return a.get<double>() + b.get<double>();
  }
  if (a.is_string() && b.is_string()) {
    check_text_size(a.get_ref<const std::string&>().size() + b.get_ref<const std::string&>().size(), "jq +");
    return a.get<std::string>() + b.get<std::string>();
  }
  if (a.is_array() && b.is_array()) {
    check_collection_size(a.size() + b.size(), "jq +");
    Value sum = a;
    for (const auto& item : b) sum.push_back(item);
    return sum;
  }
  if (a.is_object() && b.is_object()) {
    Value sum = a;
    for (auto it = b.begin(); it != b.end(); ++it) sum[it.key()] = it.value();
    return sum;
  }
  cannot("added", a, b);
}

Value subtract(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    std::int64_t difference = 0;
    if (both_integers(a, b) && !__builtin_sub_overflow(a.get<std::int64_t>(), b.get<std::int64_t>(), &difference))
      return difference;
    return a.get<double>() - b.get<double>();
  }
  if (a.is_array() && b.is_array()) {
    Value kept = Value::array();
    for (const auto& item : a)
      if (std::none_of(b.begin(), b.end(), [&](const Value& removed) { return equal(item, removed); }))
        kept.push_back(item);
    return kept;
  }
  cannot("subtracted", a, b);
}

Value deep_merge(const Value& a, const Value& b) {
  Value merged = a;
  for (auto it = b.begin(); it != b.end(); ++it) {
    auto existing = merged.find(it.key());
    merged[it.key()] = existing != merged.end() && existing->is_object() && it.value().is_object()
                           ? deep_merge(*existing, it.value())
                           : it.value();
  }
  return merged;
}

Value multiply(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    std::int64_t product = 0;
    if (both_integers(a, b) && !__builtin_mul_overflow(a.get<std::int64_t>(), b.get<std::int64_t>(), &product))
      return product;
    return a.get<double>() * b.get<double>();
  }
  if (a.is_object() && b.is_object()) return deep_merge(a, b);
  cannot("multiplied", a, b);
}

Value divide(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (b.get<double>() == 0)
      throw RuntimeError(type_name(a) + " and " + type_name(b) + " cannot be divided because the divisor is zero");
    if (both_integers(a, b)) {
      std::int64_t x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
      if (!(x == INT64_MIN && y == -1) && x % y == 0) return x / y;
    }
    return a.get<double>() / b.get<double>();
  }
  if (a.is_string() && b.is_string()) {
    const std::string& text = a.get_ref<const std::string&>();
    const std::string& separator = b.get_ref<const std::string&>();
    Value parts = Value::array();
    if (text.empty()) return parts;
    if (separator.empty()) throw RuntimeError("a string cannot be split by an empty string");
    size_t start = 0;
    for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + separator.size())
      parts.push_back(text.substr(start, at - start));
    parts.push_back(text.substr(start));
    return parts;
  }
  cannot("divided", a, b);
}

Value modulo(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) cannot("divided", a, b);
  auto as_integer = [](const Value& v) {
    double d = v.get<double>();
    if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) throw RuntimeError("number out of range for %");
    return static_cast<std::int64_t>(d);
  };
  std::int64_t x = as_integer(a), y = as_integer(b);
  if (y == 0)
    throw RuntimeError(type_name(a) + " and " + type_name(b) + " cannot be divided because the divisor is zero");
  if (y == -1) return std::int64_t{0};
  return x % y;
}

}  // namespace

std::string type_name(const Value& v) {
  switch (rank(v)) {
    case 0:
      return "null";
    case 1:
    case 2:
      return "boolean";
    case 3:
      return "number";
    case 4:
      return "string";
    case 5:
      return "array";
    default:
      return "object";
  }
}

std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t start = 0; start < s.size();) {
    size_t end = start + 1;
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
    out.push_back(s.substr(start, end - start));
    start = end;
  }
  return out;
}

bool truthy(const Value& v) { return !(v.is_null() || (v.is_boolean() && !v.get<bool>())); }

int order(const Value& a, const Value& b) {
  int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3: {
      if (both_integers(a, b))
        return a.get<std::int64_t>() < b.get<std::int64_t>() ? -1 : a.get<std::int64_t>() > b.get<std::int64_t>();
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : x > y;
    }
    case 4: {
      int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
      return c < 0 ? -1 : c > 0;
    }
    case 5: {
      for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (int c = order(a[i], b[i])) return c;
      return a.size() < b.size() ? -1 : a.size() > b.size();
    }
    case 6: {
      auto ka = sorted_keys(a), kb = sorted_keys(b);
      if (ka != kb) return ka < kb ? -1 : 1;
      for (const auto& key : ka)
        if (int c = order(a.at(key), b.at(key))) return c;
      return 0;
    }
    default:
      return 0;
  }
}

Value binary(std::string_view op, const Value& a, const Value& b) {
  if (op == "==") return equal(a, b);
  if (op == "!=") return !equal(a, b);
  if (op == "<") return order(a, b) < 0;
  if (op == "<=") return order(a, b) <= 0;
  if (op == ">") return order(a, b) > 0;
  if (op == ">=") return order(a, b) >= 0;
  if (op == "+") return add(a, b);
  if (op == "-") return subtract(a, b);
  if (op == "*") return multiply(a, b);
  if (op == "/") return divide(a, b);
  return modulo(a, b);
}

}  // namespace runwatch::expr::jq
