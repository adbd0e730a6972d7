#include "runwatch/expr/value_ops.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "runwatch/model/size_limits.h"

namespace runwatch::expr {

std::string java_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::scientific);
  std::string_view text(buffer, result.ptr - buffer);  // shortest round-trip: "-1.2345e+02"
  std::string out;
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  auto e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e))
    if (c != '.') digits += c;
  int exponent = std::stoi(std::string(text.substr(e + 1)));
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      while (static_cast<int>(digits.size()) < exponent + 2) digits += '0';
      out += digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
      while (out.size() > 1 && out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
    } else {
      out += "0." + std::string(-exponent - 1, '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" + std::to_string(exponent);
  return out;
}

void append_json_escaped(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04X", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

namespace {

void append_json_string(std::string& out, const std::string& s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

void append_scalar(std::string& out, const Value& value) {
  switch (value.type()) {
    case Value::value_t::string: out += value.get_ref<const std::string&>(); break;
    case Value::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    case Value::value_t::number_integer: out += std::to_string(value.get<std::int64_t>()); break;
    case Value::value_t::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); break;
    case Value::value_t::number_float: out += java_double(value.get<double>()); break;
    default: break;
  }
}

void append_json(std::string& out, const Value& value, bool include_nulls) {
  switch (value.type()) {
    case Value::value_t::null: out += "null"; break;
    case Value::value_t::string: append_json_string(out, value.get_ref<const std::string&>()); break;
    case Value::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ',';
        first = false;
        append_json(out, item, include_nulls);
      }
      out += ']';
      break;
    }
    case Value::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (it.value().is_null() && !include_nulls) continue;
        if (!first) out += ',';
        first = false;
        append_json_string(out, it.key());
        out += ':';
        append_json(out, it.value(), include_nulls);
      }
      out += '}';
      break;
    }
    default: append_scalar(out, value);
  }
}

void append_java_string(std::string& out, const Value& value) {
  if (value.is_null()) {
    out += "null";
  } else if (value.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      if (!first) out += ", ";
      first = false;
      append_java_string(out, item);
    }
    out += ']';
  } else if (value.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += it.key() + "=";
      append_java_string(out, it.value());
    }
    out += '}';
  } else {
    append_scalar(out, value);
  }
}

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

const char* operation_name(Arithmetic op) {
  switch (op) {
    case Arithmetic::Add: return "addition";
    case Arithmetic::Subtract: return "subtraction";
    case Arithmetic::Multiply: return "multiplication";
    case Arithmetic::Divide: return "division";
    case Arithmetic::Modulus: return "modulus";
  }
  return "";
}

// Two's complement wrap-around, as Java's long arithmetic does.
std::int64_t wrap(std::uint64_t bits) { return static_cast<std::int64_t>(bits); }

}  // namespace

void append_printed(std::string& out, const Value& value) {
  if (value.is_structured()) append_json(out, value, false);
  else append_scalar(out, value);
}

std::string printed(const Value& value) {
  std::string out;
  append_printed(out, value);
  return out;
}

std::string java_string(const Value& value) {
  std::string out;
  append_java_string(out, value);
  return out;
}

std::string to_json(const Value& value, bool include_nulls) {
  std::string out;
  append_json(out, value, include_nulls);
  return out;
}

bool loosely_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
    if (a.is_number_unsigned() || b.is_number_unsigned()) return a.get<std::uint64_t>() == b.get<std::uint64_t>();
    return a.get<std::int64_t>() == b.get<std::int64_t>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!loosely_equal(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !loosely_equal(it.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

int compare(const Value& a, const Value& b) {
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return (c > 0) - (c < 0);
  }
  if (!a.is_number() || !b.is_number()) fail("cannot compare " + java_string(a) + " with " + java_string(b));
  if (a.is_number_float() || b.is_number_float()) {
    double x = a.get<double>(), y = b.get<double>();
    return (x > y) - (x < y);
  }
  auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
  return (x > y) - (x < y);
}

void check_size(const Value& value, std::string_view what) {
  if (value.is_string()) check_text_size(value.get_ref<const std::string&>().size(), what);
  else if (value.is_structured()) check_collection_size(value.size(), what);
}

Value integer_range(std::int64_t start, std::int64_t end, std::int64_t step) {
  if (step == 0) throw std::invalid_argument("range: increment must not be 0");
  Value out = Value::array();
  if (step > 0 ? end < start : end > start) return out;
  // Unsigned (modular) arithmetic: exact for every pair of int64 ends, never overflowing.
  auto as_unsigned = [](std::int64_t v) { return static_cast<std::uint64_t>(v); };
  std::uint64_t distance = step > 0 ? as_unsigned(end) - as_unsigned(start) : as_unsigned(start) - as_unsigned(end);
  std::uint64_t stride = step > 0 ? as_unsigned(step) : std::uint64_t{0} - as_unsigned(step);
  std::uint64_t last = distance / stride;
  check_collection_size(last >= kMaxCollectionSize ? kMaxCollectionSize + 1 : static_cast<size_t>(last) + 1, "range");
  for (std::uint64_t i = 0; i <= last; ++i) out.push_back(static_cast<std::int64_t>(as_unsigned(start) + i * as_unsigned(step)));
  return out;
}

Value arithmetic(Arithmetic op, const Value& a, const Value& b) {
  if (op == Arithmetic::Add) {
    if (a.is_string() || b.is_string()) {
      std::string text = java_string(a) + java_string(b);
      check_text_size(text.size(), "+");
      return text;
    }
    if (a.is_array()) {
      check_collection_size(a.size() + (b.is_array() ? b.size() : 1), "+");
      Value out = a;
      if (b.is_array()) out.insert(out.end(), b.begin(), b.end());
      else out.push_back(b);
      return out;
    }
  }
  if (!a.is_number() || !b.is_number()) fail(std::string("Could not perform ") + operation_name(op));
  if (a.is_number_float() || b.is_number_float()) {
    double x = a.get<double>(), y = b.get<double>();
    switch (op) {
      case Arithmetic::Add: return x + y;
      case Arithmetic::Subtract: return x - y;
      case Arithmetic::Multiply: return x * y;
      case Arithmetic::Divide: return x / y;
      case Arithmetic::Modulus: return std::fmod(x, y);
    }
  }
  auto x = static_cast<std::uint64_t>(a.get<std::int64_t>());
  auto y = static_cast<std::uint64_t>(b.get<std::int64_t>());
  switch (op) {
    case Arithmetic::Add: return wrap(x + y);
    case Arithmetic::Subtract: return wrap(x - y);
    case Arithmetic::Multiply: return wrap(x * y);
    case Arithmetic::Divide:
    case Arithmetic::Modulus: {
      auto dividend = wrap(x), divisor = wrap(y);
      if (divisor == 0) fail(std::string("Could not perform ") + operation_name(op) + ": / by zero");
      if (divisor == -1) return op == Arithmetic::Divide ? wrap(0 - x) : std::int64_t{0};
      return op == Arithmetic::Divide ? dividend / divisor : dividend % divisor;
    }
  }
  return nullptr;
}

Value negate(const Value& a) { return arithmetic(Arithmetic::Multiply, std::int64_t{-1}, a); }

bool condition_truth(const Value& value, const char* where) {
  switch (value.type()) {
    case Value::value_t::boolean: return value.get<bool>();
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned: return value.get<std::int64_t>() != 0;
    case Value::value_t::number_float: {
      double d = value.get<double>();
      return !std::isnan(d) && d != 0.0;
    }
    case Value::value_t::string: return !value.get_ref<const std::string&>().empty();
    case Value::value_t::null: fail(std::string("null value used in ") + where);
    default: fail(std::string("a ") + (value.is_array() ? "list" : "map") + " is not a condition in " + where);
  }
}

}  // namespace runwatch::expr
