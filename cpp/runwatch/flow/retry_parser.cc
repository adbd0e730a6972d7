// A task's `retry`: Kestra's constant, exponential and random policies.
#include "runwatch/flow/parser.h"
#include "runwatch/flow/path.h"
#include "runwatch/flow/suggest.h"
#include "runwatch/flow/value_checks.h"

namespace runwatch {
namespace {

struct RetryField {
  const char* name;
  PropertyType type;
};

constexpr RetryField kFields[] = {
    {.name = "type", .type = PropertyType::String},          {.name = "maxAttempt", .type = PropertyType::Integer},
    {.name = "maxDuration", .type = PropertyType::Duration}, {.name = "interval", .type = PropertyType::Duration},
    {.name = "minInterval", .type = PropertyType::Duration}, {.name = "maxInterval", .type = PropertyType::Duration},
    {.name = "delayFactor", .type = PropertyType::Number},   {.name = "warningOnRetry", .type = PropertyType::Boolean},
    {.name = "behavior", .type = PropertyType::String},
};

// The fields each policy type requires besides `type` (Kestra's @NotNull).
std::vector<std::string> required_fields(RetryPolicy::Kind kind) {
  switch (kind) {
    case RetryPolicy::Kind::Constant: return {"interval"};
    case RetryPolicy::Kind::Exponential: return {"interval", "maxInterval"};
    case RetryPolicy::Kind::Random: return {"minInterval", "maxInterval"};
  }
  return {};
}

std::optional<RetryPolicy::Kind> kind_of(const std::string& name) {
  if (name == "constant") return RetryPolicy::Kind::Constant;
  if (name == "exponential") return RetryPolicy::Kind::Exponential;
  if (name == "random") return RetryPolicy::Kind::Random;
  return std::nullopt;
}

// Retry values configure the executor directly: they must be literal, not templated.
std::string literal_error(const RetryField& field, const YAML::Node& value) {
  PropertySpec spec{.name = field.name, .type = field.type};
  if (std::string(field.name) == "behavior") spec.allowed_values = {"RETRY_FAILED_TASK", "CREATE_NEW_EXECUTION"};
  if (std::string(field.name) == "type") spec.allowed_values = {"constant", "exponential", "random"};
  if (value.IsScalar() && is_templated(value.Scalar())) return "'" + spec.name + "' must be a literal value";
  return type_error(spec, value);
}

}  // namespace

std::optional<RetryPolicy> DefinitionParser::retry(const MappingEntry& entry, const std::string& path) {
  auto retry_path = key_path(path, "retry");
  if (!entry.value.IsMap()) {
    issues_.error(retry_path, entry.value_pos(), "'retry' must be a mapping, not " + describe(entry.value));
    return std::nullopt;
  }
  auto entries = entries_of(entry.value);
  auto pos = position_of(entry.value);
  bool valid = true;
  for (const auto& e : entries) {
    const RetryField* field = nullptr;
    for (const auto& f : kFields)
      if (e.key == f.name) field = &f;
    if (!field) {
      std::vector<std::string> names;
      for (const auto& f : kFields) names.push_back(f.name);
      issues_.error(key_path(retry_path, e.key), e.key_pos(),
                    "unknown property '" + e.key + "' of retry" + did_you_mean(closest_names(e.key, names)));
      valid = false;
    } else if (auto error = literal_error(*field, e.value); !error.empty()) {
      issues_.error(key_path(retry_path, e.key), e.value_pos(), error);
      valid = false;
    }
  }

  const auto* type = find_entry(entries, "type");
  if (!type) {
    issues_.error(key_path(retry_path, "type"), pos, "missing required property 'type' (constant, exponential or random)");
    return std::nullopt;
  }
  auto kind = kind_of(scalar_text(type->value));
  if (!kind || !valid) return std::nullopt;
  for (const auto& name : required_fields(*kind)) {
    if (!find_entry(entries, name)) {
      issues_.error(key_path(retry_path, name), pos,
                    "missing required property '" + name + "' of a " + type->value.Scalar() + " retry");
      valid = false;
    }
  }
  if (!valid) return std::nullopt;

  RetryPolicy policy;
  policy.kind = *kind;
  for (const auto& e : entries) {
    auto value = to_value(e.value);
    auto duration = [&] { return *parse_duration(e.value.Scalar()); };
    if (e.key == "maxAttempt") {
      policy.max_attempt = value.is_string() ? std::stoi(value.get<std::string>()) : value.get<int>();
      if (*policy.max_attempt < 1) issues_.error(key_path(retry_path, e.key), e.value_pos(), "'maxAttempt' must be at least 1");
    }
    if (e.key == "maxDuration") policy.max_duration = duration();
    if (e.key == "interval") policy.interval = duration();
    if (e.key == "minInterval") policy.min_interval = duration();
    if (e.key == "maxInterval") policy.max_interval = duration();
    if (e.key == "delayFactor") policy.delay_factor = value.is_string() ? std::stod(value.get<std::string>()) : value.get<double>();
    if (e.key == "warningOnRetry") policy.warning_on_retry = value == true || value == "true";
    if (e.key == "behavior")
      policy.behavior = e.value.Scalar() == "CREATE_NEW_EXECUTION" ? RetryPolicy::Behavior::CreateNewExecution
                                                                   : RetryPolicy::Behavior::RetryFailedTask;
  }
  return policy;
}

}  // namespace runwatch
