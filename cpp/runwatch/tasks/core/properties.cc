#include "runwatch/tasks/core/properties.h"

#include <charconv>

#include "runwatch/model/json_text.h"
#include "runwatch/tasks/task.h"

namespace runwatch {
namespace {

std::string quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

}  // namespace

const Value* find_property(const Value& properties, std::string_view name) {
  if (!properties.is_object()) return nullptr;
  auto it = properties.find(name);
  if (it == properties.end() || it->is_null()) return nullptr;
  return &*it;
}

const Value& required_property(const Value& properties, std::string_view name) {
  const Value* value = find_property(properties, name);
  if (!value) throw TaskFailure("Missing required property " + quoted(name));
  return *value;
}

std::string to_text(const Value& value) {
  if (value.is_string()) return value.get<std::string>();
  return dump_json(value);
}

std::vector<std::string> to_string_list(const Value& value, std::string_view property_name) {
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : value) {
      if (item.is_structured())
        throw TaskFailure("Property " + quoted(property_name) + " must be a string or a list of strings");
      items.push_back(to_text(item));
    }
    return items;
  }
  if (value.is_structured())
    throw TaskFailure("Property " + quoted(property_name) + " must be a string or a list of strings");
  return {to_text(value)};
}

std::optional<std::string> optional_string(const Value& properties, std::string_view name) {
  const Value* value = find_property(properties, name);
  if (!value) return std::nullopt;
  return to_text(*value);
}

std::string string_or(const Value& properties, std::string_view name, std::string fallback) {
  return optional_string(properties, name).value_or(std::move(fallback));
}

bool bool_or(const Value& properties, std::string_view name, bool fallback) {
  const Value* value = find_property(properties, name);
  if (!value) return fallback;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_string()) {
    if (*value == "true") return true;
    if (*value == "false") return false;
  }
  throw TaskFailure("Property " + quoted(name) + " must be true or false, got " + to_text(*value));
}

long long int_or(const Value& properties, std::string_view name, long long fallback, long long low, long long high) {
  const Value* value = find_property(properties, name);
  if (!value) return fallback;
  std::optional<long long> number;
  if (value->is_number_integer()) number = value->get<long long>();
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    long long parsed = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) number = parsed;
  }
  if (!number || *number < low || *number > high)
    throw TaskFailure("Property " + quoted(name) + " must be a whole number from " + std::to_string(low) + " to " +
                      std::to_string(high) + ", got " + to_text(*value));
  return *number;
}

Duration duration_of(const Value& properties, std::string_view name) {
  std::string text = to_text(required_property(properties, name));
  auto duration = parse_duration(text);
  if (!duration) throw TaskFailure("Property " + quoted(name) + " is not an ISO-8601 duration: '" + text + "'");
  return *duration;
}

LogLevel log_level_of(const Value& properties) {
  std::string name = string_or(properties, "level", "INFO");
  auto level = parse_log_level(name);
  if (!level) throw TaskFailure("Property 'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + name + "'");
  return *level;
}

PropertySpec log_level_property(std::string description) {
  return {.name = "level",
          .type = PropertyType::String,
          .description = std::move(description),
          .default_value = "INFO",
          .allowed_values = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}};
}

std::vector<PropertyProblem> execution_target_problems(const Value& properties) {
  const bool by_id = properties.contains("executionId");
  const bool ns = properties.contains("namespace"), flow = properties.contains("flowId");
  if (by_id && ns != flow) return {{"", "Both `namespace` and `flowId` must be set when `executionId` is set."}};
  if (!by_id && (ns || flow)) return {{"", "`namespace` and `flowId` should only be set when `executionId` is set."}};
  return {};
}

}  // namespace runwatch
