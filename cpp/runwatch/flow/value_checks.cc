#include "runwatch/flow/value_checks.h"

#include <algorithm>

#include "runwatch/model/state.h"
#include "runwatch/model/time.h"
#include "runwatch/regex/pattern.h"
#include "runwatch/yaml/yaml_node.h"

namespace runwatch {
namespace {

bool is_templated_scalar(const YAML::Node& node) { return node.IsScalar() && is_templated(node.Scalar()); }

bool is_integer_text(const std::string& text) {
  static const auto pattern = regex::Pattern::compile("[-+]?[0-9]+", nullptr);
  return pattern->full_match(text);
}

bool is_number_text(const std::string& text) {
  static const auto pattern = regex::Pattern::compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?", nullptr);
  return pattern->full_match(text);
}

bool fits_integer(const YAML::Node& node) {
  if (!node.IsScalar()) return false;
  Value value = to_value(node);
  if (value.is_number_integer()) return true;
  if (value.is_number_float()) return value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>()));
  return value.is_string() && (is_integer_text(node.Scalar()) || is_templated(node.Scalar()));
}

bool fits_number(const YAML::Node& node) {
  if (!node.IsScalar()) return false;
  Value value = to_value(node);
  return value.is_number() || (value.is_string() && (is_number_text(node.Scalar()) || is_templated(node.Scalar())));
}

bool fits_boolean(const YAML::Node& node) {
  if (!node.IsScalar()) return false;
  Value value = to_value(node);
  const auto& text = node.Scalar();
  return value.is_boolean() || text == "true" || text == "false" || is_templated(text);
}

bool fits_duration(const YAML::Node& node) {
  return node.IsScalar() && (parse_duration(node.Scalar()).has_value() || is_templated(node.Scalar()));
}

bool fits_state(const YAML::Node& node) {
  return node.IsScalar() && (parse_state(node.Scalar()).has_value() || is_templated(node.Scalar()));
}

bool fits_state_list(const YAML::Node& node) {
  if (is_templated_scalar(node)) return true;
  if (!node.IsSequence()) return false;
  for (const auto& item : node)
    if (!fits_state(item)) return false;
  return true;
}

bool fits_string_list(const YAML::Node& node) {
  if (node.IsScalar()) return true;
  if (!node.IsSequence()) return false;
  for (const auto& item : node)
    if (!item.IsScalar()) return false;
  return true;
}

std::string expectation(PropertyType type) {
  switch (type) {
    case PropertyType::String: return "a string";
    case PropertyType::Integer: return "an integer";
    case PropertyType::Number: return "a number";
    case PropertyType::Boolean: return "a boolean";
    case PropertyType::Duration: return "an ISO-8601 duration such as PT5M";
    case PropertyType::State: return "a state name such as FAILED";
    case PropertyType::StateList: return "a list of state names such as [FAILED, WARNING]";
    case PropertyType::StringList: return "a string or a list of strings";
    case PropertyType::Map: return "a mapping";
    case PropertyType::List: return "a list";
    default: return std::string(to_string(type));
  }
}

bool fits(PropertyType type, const YAML::Node& node) {
  switch (type) {
    case PropertyType::String: return node.IsScalar();
    case PropertyType::Integer: return fits_integer(node);
    case PropertyType::Number: return fits_number(node);
    case PropertyType::Boolean: return fits_boolean(node);
    case PropertyType::Duration: return fits_duration(node);
    case PropertyType::State: return fits_state(node);
    case PropertyType::StateList: return fits_state_list(node);
    case PropertyType::StringList: return fits_string_list(node);
    case PropertyType::Map: return node.IsMap() || is_templated_scalar(node);
    case PropertyType::List: return node.IsSequence() || is_templated_scalar(node);
    default: return true;
  }
}

std::string shown(const YAML::Node& node) {
  return node.IsScalar() ? "'" + node.Scalar() + "'" : describe(node);
}

// What to name in the message: the first wrong item of a list, the text of a scalar.
std::string offending(PropertyType type, const YAML::Node& node) {
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (type == PropertyType::StateList && !fits_state(item)) return shown(item);
      if (type == PropertyType::StringList && !item.IsScalar()) return "a list holding " + describe(item);
    }
  }
  bool text_matters = type == PropertyType::State || type == PropertyType::StateList ||
                      type == PropertyType::Duration || type == PropertyType::Integer ||
                      type == PropertyType::Number || type == PropertyType::Boolean;
  return text_matters ? shown(node) : describe(node);
}

}  // namespace

bool is_templated(std::string_view text) {
  return text.find("{{") != std::string_view::npos || text.find("{%") != std::string_view::npos;
}

std::string type_error(const PropertySpec& spec, const YAML::Node& value) {
  if (!fits(spec.type, value)) {
    return "'" + spec.name + "' must be " + expectation(spec.type) + ", not " + offending(spec.type, value);
  }
  if (!spec.allowed_values.empty() && value.IsScalar() && !is_templated(value.Scalar())) {
    const auto& allowed = spec.allowed_values;
    if (std::find(allowed.begin(), allowed.end(), value.Scalar()) == allowed.end())
      return "'" + spec.name + "' must be one of " + comma_joined(allowed) + ", not '" + value.Scalar() + "'";
  }
  return "";
}

std::string regex_error(const std::string& pattern) { return regex::pattern_error(pattern); }

std::string comma_joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

}  // namespace runwatch
