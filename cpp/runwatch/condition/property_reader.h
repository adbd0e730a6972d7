#pragma once
// Reading a nested mapping of properties (a Flow trigger's `preconditions`, a time
// window), collecting every problem with its property path rather than stopping at the
// first, so that the flow loader can report them all with their lines.
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/schema.h"
#include "runwatch/model/time.h"
#include "runwatch/model/value.h"

namespace runwatch {

class PropertyReader {
 public:
  // `mapping` must outlive the reader; a value that is not a mapping is a problem.
  PropertyReader(const Value& mapping, std::string path, std::vector<PropertyProblem>& problems);

  bool is_mapping() const { return mapping_.is_object(); }
  // Reports each property not named in `known`.
  void allow_only(std::initializer_list<std::string_view> known);
  // Null when absent.
  const Value& value(std::string_view name) const;
  bool has(std::string_view name) const { return !value(name).is_null(); }

  std::optional<std::string> text(std::string_view name, bool required = false);
  // A required id as Kestra's are: ^[a-zA-Z0-9][a-zA-Z0-9_-]*$
  std::optional<std::string> identifier(std::string_view name);
  // One of `allowed`, case-sensitive as Java enums are.
  std::optional<std::string> one_of(std::string_view name, std::initializer_list<std::string_view> allowed);
  std::optional<bool> boolean(std::string_view name);
  // An ISO-8601 duration; `minimum` is exclusive when `positive`.
  std::optional<Duration> duration(std::string_view name, bool positive);
  // A java.time.LocalTime: HH:MM[:SS[.fraction]], as a time of day.
  std::optional<Duration> time_of_day(std::string_view name);
  // A list of mappings; each item's reader is handed to `read`.
  template <typename Fn>
  void each_item(std::string_view name, bool required, Fn&& read);

  void problem(std::string_view name, std::string message);
  std::string path_of(std::string_view name) const;
  const std::string& path() const { return path_; }
  std::vector<PropertyProblem>& problems() { return problems_; }

 private:
  const Value& mapping_;
  std::string path_;
  std::vector<PropertyProblem>& problems_;
};

template <typename Fn>
void PropertyReader::each_item(std::string_view name, bool required, Fn&& read) {
  const Value& list = value(name);
  if (list.is_null() || (list.is_array() && list.empty())) {
    if (required) problem(name, "missing required property '" + std::string(name) + "'");
    return;
  }
  if (!list.is_array()) return problem(name, "'" + std::string(name) + "' must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    PropertyReader item(list[i], path_of(name) + "[" + std::to_string(i) + "]", problems_);
    if (item.is_mapping()) read(item, i);
  }
}

}  // namespace runwatch
