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
// RFC 3339 / ISO-8601 date-time with a zone: "2013-08-09T14:19:00Z", "...+02:00";
// nullopt for another text or an instant outside [kEarliestInstant, kLatestInstant].
std::optional<TimePoint> parse_instant(std::string_view text);
// The same text read, not yet checked against that range: whole seconds and the fraction.
struct InstantParts {
  std::chrono::sys_seconds seconds;
  std::chrono::nanoseconds fraction;
};
std::optional<InstantParts> parse_instant_parts(std::string_view text);

double to_seconds(Duration d);

// TimePoint counts nanoseconds since 1970 in 64 bits. The instants the engine accepts stay
// a day inside its ends, so that a zone offset applied to any of them is in range too:
// from 1677-09-22 to 2262-04-10 (Java's Instant goes further; runwatch refuses the rest).
inline constexpr TimePoint kEarliestInstant{Duration(-9'223'286'400'000'000'000LL)};
inline constexpr TimePoint kLatestInstant{Duration(9'223'286'399'999'999'999LL)};
inline constexpr std::string_view kInstantRange = "1677-09-22 to 2262-04-10";
// `seconds` plus `within`, or nullopt outside [kEarliestInstant, kLatestInstant].
std::optional<TimePoint> instant_at(std::chrono::sys_seconds seconds, std::chrono::nanoseconds within = {});
// t + unit * amount, or nullopt when the product or the result is out of that range.
std::optional<TimePoint> instant_after(TimePoint t, Duration unit, long long amount);

}  // namespace runwatch
