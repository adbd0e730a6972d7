#pragma once
// Time zones for schedules: UTC, fixed offsets, and IANA zones read from the system's
// TZif files (Debian's tzdata package). GCC 12's std::chrono has no time zone database
// and localtime_r with TZ is not thread-safe, so the files are read here. A zone is
// immutable once loaded and safe to share between threads.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runwatch/model/time.h"

namespace runwatch {

using SysSeconds = std::chrono::sys_seconds;
using LocalSeconds = std::chrono::local_seconds;

// A stretch of time over which a zone's UTC offset does not change: [begin, end).
struct OffsetPeriod {
  SysSeconds begin;
  SysSeconds end;
  std::chrono::seconds offset;  // local time = UTC + offset
};

// An instant where a zone's UTC offset changes to `offset`.
struct OffsetTransition {
  SysSeconds at;
  std::chrono::seconds offset;
};

// Transitions computed from a rule rather than listed (the POSIX TZ string at the end of
// a TZif file, "CET-1CEST,M3.5.0,M10.5.0/3"), for instants past the listed ones.
class OffsetRule {
 public:
  virtual ~OffsetRule() = default;
  // The transitions of one calendar year, in order (none for a rule without DST).
  virtual std::vector<OffsetTransition> transitions(int year) const = 0;
  // The offset in force when no transition of the rule has happened yet.
  virtual std::chrono::seconds standard_offset() const = 0;
};

class TimeZone {
 public:
  // "UTC", "Z", "GMT", a fixed offset ("+05:30", "-08", "+0530", "UTC+01:00", "GMT-3"),
  // or an IANA id ("Europe/Paris"), as java.time.ZoneId.of accepts them. Zones are
  // loaded once and cached. Throws Error: "unknown time zone 'Mars/Olympus'".
  static std::shared_ptr<const TimeZone> find(std::string_view id);
  static std::shared_ptr<const TimeZone> utc();

  TimeZone(std::string id, std::chrono::seconds initial_offset, std::vector<OffsetTransition> transitions,
           std::shared_ptr<const OffsetRule> rule);

  const std::string& id() const { return id_; }
  OffsetPeriod period_at(SysSeconds t) const;
  std::chrono::seconds offset_at(SysSeconds t) const { return period_at(t).offset; }

 private:
  OffsetPeriod period_from_rule(SysSeconds t, SysSeconds after) const;

  std::string id_;
  std::chrono::seconds initial_offset_;           // before the first transition
  std::vector<OffsetTransition> transitions_;     // sorted
  std::shared_ptr<const OffsetRule> rule_;        // after the last transition; may be null
};

// ISO-8601 with the zone's offset, as java.time prints a ZonedDateTime:
// "2024-03-31T03:00:00+02:00", "2024-01-01T00:00:00Z" (fractions of a second dropped).
std::string format_in_zone(TimePoint t, const TimeZone& zone);

}  // namespace runwatch
