#pragma once
// Dates and times as Kestra's date conditions read them, with java.time's ISO parsers.
// Zones: Z, fixed offsets, and the bracketed ids expr::parse_zone knows (UTC, GMT,
// +02:00, ...); region zones (Europe/Paris) are not supported.
#include <chrono>
#include <string_view>

#include "runwatch/model/time.h"

namespace runwatch {

struct ZonedDateTime {
  TimePoint instant;
  std::chrono::seconds offset{0};

  // The date on the wall clock of its zone.
  std::chrono::year_month_day local_date() const;
  // As java.time.OffsetTime compares times: the time of day minus the offset, so that
  // 16:00+02:00 equals 14:00Z (it may fall outside [0, 24h)).
  std::chrono::nanoseconds offset_time() const;
};

// ZonedDateTime.parse: 2024-01-02T03:04[:05[.123456789]](Z|+HH:MM[:SS])[[zone]].
// Throws Error.
ZonedDateTime parse_zoned_date_time(std::string_view text);
// Kestra's DateUtils.parseLocalDate: a local date (2024-01-02), else the local date of a
// zoned date-time. Throws Error.
std::chrono::year_month_day parse_local_date(std::string_view text);
// OffsetTime.parse (HH:MM[:SS[.fraction]] then Z or an offset), as offset_time() gives
// it. Throws Error.
std::chrono::nanoseconds parse_offset_time(std::string_view text);

}  // namespace runwatch
