#include "runwatch/condition/property_reader.h"
#include "runwatch/model/identifier.h"
#include "runwatch/model/json_text.h"
#include "runwatch/regex/pattern.h"

#include <algorithm>

namespace runwatch {

PropertyReader::PropertyReader(const Value& mapping, std::string path, std::vector<PropertyProblem>& problems)
    : mapping_(mapping), path_(std::move(path)), problems_(problems) {
  if (!mapping_.is_object()) problems_.push_back({path_, "expected a mapping, not " + dump_json(mapping_)});
}

void PropertyReader::allow_only(std::initializer_list<std::string_view> known) {
  if (!is_mapping()) return;
  for (const auto& [key, v] : mapping_.items())
    if (std::find(known.begin(), known.end(), key) == known.end()) problem(key, "unknown property '" + key + "'");
}

const Value& PropertyReader::value(std::string_view name) const {
  static const Value absent;
  if (!is_mapping()) return absent;
  auto it = mapping_.find(name);
  return it == mapping_.end() ? absent : *it;
}

std::optional<std::string> PropertyReader::text(std::string_view name, bool required) {
  const Value& v = value(name);
  if (v.is_string() && !v.get_ref<const std::string&>().empty()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return dump_json(v);
  if (v.is_null() || v.is_string()) {
    if (required) problem(name, "missing required property '" + std::string(name) + "'");
  } else {
    problem(name, "'" + std::string(name) + "' must be a string, not " + dump_json(v));
  }
  return std::nullopt;
}

std::optional<std::string> PropertyReader::identifier(std::string_view name) {
  auto id = text(name, true);
  if (!id || is_identifier(*id)) return id;
  problem(name, "invalid id '" + shortened(*id) + "': it must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$");
  return std::nullopt;
}

std::optional<std::string> PropertyReader::one_of(std::string_view name, std::initializer_list<std::string_view> allowed) {
  auto given = text(name);
  if (!given || std::find(allowed.begin(), allowed.end(), *given) != allowed.end()) return given;
  std::string names;
  for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
  problem(name, "'" + std::string(name) + "' must be one of " + names + ", not '" + *given + "'");
  return std::nullopt;
}

std::optional<bool> PropertyReader::boolean(std::string_view name) {
  const Value& v = value(name);
  if (v.is_boolean()) return v.get<bool>();
  if (v == "true" || v == "false") return v == "true";
  if (!v.is_null()) problem(name, "'" + std::string(name) + "' must be true or false, not " + dump_json(v));
  return std::nullopt;
}

std::optional<Duration> PropertyReader::duration(std::string_view name, bool positive) {
  auto given = text(name);
  if (!given) return std::nullopt;
  auto parsed = parse_duration(*given);
  if (!parsed) {
    problem(name, "invalid duration '" + *given + "': expected an ISO-8601 duration such as PT1H");
  } else if (positive ? *parsed <= Duration::zero() : *parsed < Duration::zero()) {
    problem(name, positive ? "'" + std::string(name) + "' must be a positive duration, not " + *given
                           : "'" + std::string(name) + "' must not be negative, not " + *given);
    return std::nullopt;
  }
  return parsed;
}

std::optional<Duration> PropertyReader::time_of_day(std::string_view name) {
  static const auto local_time =
      regex::Pattern::compile(R"(([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?)", nullptr);
  auto given = text(name);
  if (!given) return std::nullopt;
  auto m = local_time->full_match_groups(*given);
  if (!m) {
    problem(name, "invalid time '" + *given + "': expected a time of day such as 09:00:00");
    return std::nullopt;
  }
  using namespace std::chrono;
  Duration out = hours(std::stoi((*m)[1])) + minutes(std::stoi((*m)[2]));
  if (!(*m)[3].empty()) out += seconds(std::stoi((*m)[3]));
  if (!(*m)[4].empty()) out += duration_cast<Duration>(nanoseconds(std::stoll(((*m)[4] + "00000000").substr(0, 9))));
  return out;
}

void PropertyReader::problem(std::string_view name, std::string message) {
  problems_.push_back({path_of(name), std::move(message)});
}

std::string PropertyReader::path_of(std::string_view name) const {
  if (name.empty()) return path_;
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

}  // namespace runwatch
