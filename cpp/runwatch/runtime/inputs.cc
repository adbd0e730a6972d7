#include "runwatch/runtime/inputs.h"

#include <cmath>

#include "runwatch/model/error.h"
#include "runwatch/model/identifier.h"
#include "runwatch/model/time.h"
#include "runwatch/model/json_text.h"
#include "runwatch/regex/pattern.h"
#include "runwatch/runtime/secret_inputs.h"

namespace runwatch {
namespace {

[[noreturn]] void fail(const InputDef& input, const std::string& why) {
  throw InputError("Invalid input '" + input.id + "' (" + input.type + "): " + why);
}

std::string describe(const Value& v) { return dump_json(v); }

std::string as_text(const InputDef& input, const Value& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return dump_json(v);
  fail(input, "expected a string, got " + describe(v));
}

long long as_int(const InputDef& input, const Value& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) return static_cast<long long>(v.get<double>());
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    try {
      size_t used = 0;
      long long n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (...) {
    }
  }
  fail(input, "expected an integer, got " + describe(v));
}

double as_float(const InputDef& input, const Value& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    try {
      size_t used = 0;
      double d = std::stod(s, &used);
      if (used == s.size()) return d;
    } catch (...) {
    }
  }
  fail(input, "expected a number, got " + describe(v));
}

bool as_bool(const InputDef& input, const Value& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v == "true") return true;
  if (v == "false") return false;
  fail(input, "expected true or false, got " + describe(v));
}

template <typename T, typename Parse>
void check_bounds(const InputDef& input, const T& value, const char* low_key, const char* high_key, Parse parse,
                  const std::string& shown) {
  const auto& p = input.properties;
  if (p.contains(low_key) && !p[low_key].is_null() && value < parse(p[low_key]))
    fail(input, shown + " is below the minimum " + describe(p[low_key]));
  if (p.contains(high_key) && !p[high_key].is_null() && parse(p[high_key]) < value)
    fail(input, shown + " is above the maximum " + describe(p[high_key]));
}

Value parse_json_text(const InputDef& input, const Value& v) {
  if (!v.is_string()) return v;
  try {
    return parse_json(v.get<std::string>());
  } catch (const std::exception& e) {
    fail(input, std::string("not valid JSON: ") + e.what());
  }
}

Value typed_date_time(const InputDef& input, const Value& v) {
  auto text = as_text(input, v);
  auto instant = parse_instant(text);
  if (!instant) fail(input, "expected an ISO-8601 date-time with a zone such as 2024-01-31T10:00:00Z, got '" + text + "'");
  auto parse = [&](const Value& bound) {
    auto b = parse_instant(bound.is_string() ? bound.get<std::string>() : dump_json(bound));
    if (!b) fail(input, "invalid bound " + describe(bound));
    return *b;
  };
  check_bounds(input, *instant, "after", "before", parse, "'" + text + "'");
  return format_instant(*instant);
}

Value typed_duration(const InputDef& input, const Value& v) {
  auto text = as_text(input, v);
  auto d = parse_duration(text);
  if (!d) fail(input, "expected an ISO-8601 duration such as PT5M, got '" + text + "'");
  auto parse = [&](const Value& bound) {
    auto b = parse_duration(bound.is_string() ? bound.get<std::string>() : "");
    if (!b) fail(input, "invalid bound " + describe(bound));
    return *b;
  };
  check_bounds(input, *d, "min", "max", parse, "'" + text + "'");
  return format_duration(*d);
}

Value typed_pattern(const InputDef& input, const Value& v, const regex::Pattern& pattern, const char* expected) {
  auto text = as_text(input, v);
  if (!pattern.full_match(text)) fail(input, std::string("expected ") + expected + ", got '" + shortened(text) + "'");
  // DATE and TIME bounds compare as text: the fixed-width ISO forms sort chronologically.
  auto parse = [](const Value& bound) { return bound.is_string() ? bound.get<std::string>() : dump_json(bound); };
  check_bounds(input, text, "after", "before", parse, "'" + text + "'");
  return text;
}

Value typed_date(const InputDef& input, const Value& v) {
  static const auto date = regex::Pattern::compile(R"((\d{4})-(\d{2})-(\d{2}))", nullptr);
  Value text = typed_pattern(input, v, *date, "a date such as 2024-01-31");
  const auto& s = text.get_ref<const std::string&>();
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(s.substr(0, 4))}, month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                     day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  if (!ymd.ok()) fail(input, "'" + s + "' is not a date of the calendar");
  return text;
}

Value typed_time(const InputDef& input, const Value& v) {
  static const auto time = regex::Pattern::compile(R"(\d{2}:\d{2}(:\d{2}(\.\d+)?)?)", nullptr);
  Value text = typed_pattern(input, v, *time, "a time such as 10:30:00");
  const auto& s = text.get_ref<const std::string&>();
  bool valid = std::stoi(s.substr(0, 2)) < 24 && std::stoi(s.substr(3, 2)) < 60 &&
               (s.size() < 8 || std::stoi(s.substr(6, 2)) < 60);
  if (!valid) fail(input, "'" + s + "' is not a time of day");
  return text;
}

// A SECRET's value is never quoted in an error.
Value typed_string(const InputDef& input, const Value& v) {
  const bool secret = input.type == "SECRET";
  if (secret && !v.is_string() && !v.is_number() && !v.is_boolean()) fail(input, "expected a string");
  auto text = as_text(input, v);
  const auto& p = input.properties;
  if (p.contains("validator") && p["validator"].is_string()) {
    const auto& pattern = p["validator"].get_ref<const std::string&>();
    std::string error;
    auto validator = regex::Pattern::cached(pattern, &error);
    if (!validator) fail(input, "invalid validator " + pattern + ": " + error);
    if (!validator->full_match(text)) {
      std::string what = secret ? "the value" : "'" + shortened(text) + "'";
      fail(input, what.append(" does not match the validator ").append(pattern));
    }
  }
  return text;
}

Value typed_choice(const InputDef& input, const Value& v) {
  auto text = as_text(input, v);
  const auto& values = input.properties.contains("values") ? input.properties["values"] : Value::array();
  for (const auto& allowed : values)
    if (allowed == text) return text;
  fail(input, "'" + text + "' is not one of " + describe(values));
}

Value typed_value(const InputDef& input, const Value& v);

Value typed_array(const InputDef& input, const Value& v) {
  Value list = parse_json_text(input, v);
  if (!list.is_array()) fail(input, "expected a list, got " + describe(v));
  InputDef item = input;
  item.type = input.properties.value("itemType", std::string("STRING"));
  Value out = Value::array();
  for (const auto& element : list) out.push_back(typed_value(item, element));
  return out;
}

Value typed_value(const InputDef& input, const Value& v) {
  const auto& t = input.type;
  // A FILE input's value is its kestra:/// URI, set when the engine stored it.
  if (t == "STRING" || t == "SECRET" || t == "URI" || t == "FILE") return typed_string(input, v);
  if (t == "EMAIL") {
    static const auto email = regex::Pattern::compile(R"([^@\s]+@[^@\s]+\.[^@\s]+)", nullptr);
    return typed_pattern(input, v, *email, "an email address");
  }
  if (t == "ENUM" || t == "SELECT") return typed_choice(input, v);
  if (t == "MULTISELECT") {
    Value list = parse_json_text(input, v);
    if (!list.is_array()) list = Value::array({list});
    InputDef one = input;
    for (const auto& element : list) typed_choice(one, element);
    return list;
  }
  if (t == "INT") {
    long long n = as_int(input, v);
    check_bounds(input, n, "min", "max", [](const Value& b) { return b.get<long long>(); }, std::to_string(n));
    return n;
  }
  if (t == "FLOAT") {
    double d = as_float(input, v);
    check_bounds(input, d, "min", "max", [](const Value& b) { return b.get<double>(); }, dump_json(Value(d)));
    return d;
  }
  if (t == "BOOLEAN" || t == "BOOL") return as_bool(input, v);
  if (t == "DATETIME") return typed_date_time(input, v);
  if (t == "DATE") return typed_date(input, v);
  if (t == "TIME") return typed_time(input, v);
  if (t == "DURATION") return typed_duration(input, v);
  if (t == "JSON" || t == "YAML") return parse_json_text(input, v);
  if (t == "ARRAY") return typed_array(input, v);
  fail(input, "inputs of type " + t + " are not supported by runwatch");
}

void set_nested(Value& root, const std::string& dotted, Value v) {
  Value* node = &root;
  size_t start = 0;
  for (size_t dot; (dot = dotted.find('.', start)) != std::string::npos; start = dot + 1) {
    Value& child = (*node)[dotted.substr(start, dot - start)];
    if (!child.is_object()) child = Value::object();
    node = &child;
  }
  (*node)[dotted.substr(start)] = std::move(v);
}

}  // namespace

ResolvedInputs resolve_inputs(const std::vector<InputDef>& declared_inputs, const Value& given,
                              const crypto::SecretCipher* cipher) {
  if (!given.is_null() && !given.is_object()) throw InputError("inputs must be a mapping of input id to value");
  ResolvedInputs out;
  for (const auto& input : declared_inputs) {
    const Value* value = nullptr;
    if (given.is_object() && given.contains(input.id) && !given[input.id].is_null()) value = &given[input.id];
    else if (input.defaults && !input.defaults->is_null()) value = &*input.defaults;
    if (!value) {
      if (input.required) throw InputError("Missing required input '" + input.id + "' (" + input.type + ")");
      set_nested(out.values, input.id, nullptr);
      continue;
    }
    Value typed = typed_value(input, *value);
    if (input.type == "SECRET") {
      if (!cipher) fail(input, std::string(kNoEncryptionMessage));
      typed = seal_secret(*cipher, typed.get_ref<const std::string&>());
    }
    set_nested(out.values, input.id, std::move(typed));
  }
  if (given.is_object()) {
    for (auto it = given.begin(); it != given.end(); ++it) {
      bool declared = false;
      for (const auto& input : declared_inputs) declared = declared || input.id == it.key();
      if (!declared) out.warnings.push_back("input '" + it.key() + "' is not declared by the flow; ignored");
    }
  }
  return out;
}

}  // namespace runwatch
