#pragma once
// Reading a task's rendered properties the way Kestra coerces them. Every accessor treats
// an absent property and a null one alike, and fails the task with a TaskFailure naming
// the property when a value cannot be used.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/execution.h"
#include "runwatch/model/schema.h"
#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch {

// The property's value, or nullptr when it is absent or null.
const Value* find_property(const Value& properties, std::string_view name);
// The property's value; fails with "Missing required property 'name'" when absent or null.
const Value& required_property(const Value& properties, std::string_view name);

// A value as Kestra renders it to text: a string as it is, anything else as JSON.
std::string to_text(const Value& value);
// A string or a list of strings, as a list (Kestra's `oneOf: [String, String[]]`).
std::vector<std::string> to_string_list(const Value& value, std::string_view property_name);

std::optional<std::string> optional_string(const Value& properties, std::string_view name);
std::string string_or(const Value& properties, std::string_view name, std::string fallback);
bool bool_or(const Value& properties, std::string_view name, bool fallback);
// A whole number (or its text) from `low` to `high`; fails on anything else.
long long int_or(const Value& properties, std::string_view name, long long fallback, long long low, long long high);
// An ISO-8601 duration such as PT5S; fails on text that is not one.
Duration duration_of(const Value& properties, std::string_view name);
// The `level` property: TRACE, DEBUG, INFO, WARN or ERROR, INFO when absent.
LogLevel log_level_of(const Value& properties);
// Its schema, with what the level means to the type.
PropertySpec log_level_property(std::string description);

// Kestra's rules (PluginUtilsService.executionFromTaskParameters) for the properties that
// name another execution: `namespace` and `flowId` both with `executionId`, or neither.
std::vector<PropertyProblem> execution_target_problems(const Value& properties);

}  // namespace runwatch
