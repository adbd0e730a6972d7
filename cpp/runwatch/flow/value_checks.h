#pragma once
// Whether a YAML value fits a property type, the way Kestra's deserializer coerces it.
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "runwatch/model/schema.h"

namespace runwatch {

// A Pebble expression, rendered at run time: anything may come out of it.
bool is_templated(std::string_view text);

// Empty when `value` fits `spec`; otherwise what is wrong, e.g.
// "'concurrent' must be an integer, not a mapping". The task-list and condition types
// are structural and checked by the parser, not here.
std::string type_error(const PropertySpec& spec, const YAML::Node& value);

// "a, b, c".
std::string comma_joined(const std::vector<std::string>& values);

// Compiles a validator the way Java would accept it; empty when valid, else the reason.
std::string regex_error(const std::string& pattern);

}  // namespace runwatch
