#pragma once
// Instants and durations, and their ISO-8601 text forms as Kestra writes them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace runwatch {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

// "PT1H30M", "PT0.25S", "P1DT2H", "-PT5S". Case-insensitive like java.time.Duration.
std::optional<Duration> parse_duration(std::string_view text);
// Java's Duration.toString(): "PT1M30S", "PT0.25S", "PT0S".
std::string format_duration(Duration d);

// "2024-01-02T03:04:05Z", "...05.250Z", "...05.123456Z": UTC, as Java's Instant.toString.
std::string format_instant(TimePoint t);
// RFC 3339 / ISO-8601 date-time with a zone: "2013-08-09T14:19:00Z", "...+02:00".
std::optional<TimePoint> parse_instant(std::string_view text);

double to_seconds(Duration d);

}  // namespace runwatch
