#pragma once
// Dates as Kestra's date filters see them: Java DateTimeFormatter patterns ("yyyy-MM-dd
// HH:mm") and the named formats ("iso", "sql", ...), in UTC or a fixed-offset zone.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "runwatch/model/value.h"

namespace runwatch::expr {

using TimePoint = std::chrono::system_clock::time_point;

struct Zone {
  std::string id;              // as written: "UTC", "+02:00"
  std::chrono::seconds offset;  // from UTC
};

// "UTC", "Z", "GMT", "Etc/UTC", "+02:00", "-0530", "+2", "UTC+01:00". Region zones
// (Europe/Paris) are not supported: throws std::invalid_argument.
Zone parse_zone(std::string_view id);

// `format` is a named format or a Java pattern. Throws std::invalid_argument.
std::string format_date(TimePoint t, std::string_view format, const Zone& zone);

// A date filter's input: an ISO-8601 date-time with an offset, epoch seconds, or text in
// `existing_format` (read in `zone` when the pattern has no offset).
TimePoint parse_date(const Value& input, const std::optional<std::string>& existing_format, const Zone& zone);

// ChronoUnit names: SECONDS, MINUTES, HOURS, DAYS, WEEKS, MONTHS, YEARS, MILLIS, ...
// Calendar units move the wall clock of `zone`.
TimePoint add_to_date(TimePoint t, std::int64_t amount, std::string_view unit, const Zone& zone);

}  // namespace runwatch::expr
