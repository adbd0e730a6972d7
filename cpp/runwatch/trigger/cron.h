#pragma once
// Kestra's cron dialect: what its Schedule trigger accepts through cron-utils with
// Kestra's own definition.
//
//   minute hour day-of-month month day-of-week          (5 fields)
//   second minute hour day-of-month month day-of-week   (6 fields, withSeconds: true)
//   @yearly @annually @monthly @weekly @daily @midnight @hourly
//
// Each field takes *, a value, a range (1-5), a step (*/15, 1-10/2, 5/15) and lists of
// them (1,15,30-40). Months take JAN-DEC, days of week SUN-SAT (case-insensitive), and
// both 0 and 7 are Sunday. Ranges must not be reversed (cron-utils' strict ranges). The
// definition has no L, W, # nor ?, so they are refused. When both day-of-month and
// day-of-week are restricted (anything but * or */1), a day matching either fires, as in
// UNIX cron.
//
// Dates are computed in a time zone on its local clock. A local time that does not exist
// (spring forward) never fires: the next date is the next matching local time that
// exists, as cron-utils computes it. A local time that occurs twice (fall back) fires at
// both instants only when the schedule fires again within two hours of the repeat (an
// every-15-minutes cron runs through both hours); otherwise only at the first occurrence
// (a daily 02:30 runs once), which is cron-utils' rule.
#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "runwatch/model/error.h"
#include "runwatch/model/time.h"
#include "runwatch/trigger/time_zone.h"

namespace runwatch {

class CronError : public Error {
 public:
  using Error::Error;
};

class Cron {
 public:
  // Throws CronError naming the field and the token:
  // "invalid cron expression '0 25 * * *': hour 25 is out of range 0-23".
  static Cron parse(std::string_view text, bool with_seconds = false);

  // The first date strictly after `after`, and the last one strictly before `before`, in
  // whole seconds; none when there is none within a hundred years (like cron-utils, for
  // "0 0 30 2 *").
  std::optional<TimePoint> next(TimePoint after, const TimeZone& zone) const;
  std::optional<TimePoint> previous(TimePoint before, const TimeZone& zone) const;
  // Whether the local time (whole seconds) matches every field.
  bool matches(LocalSeconds local) const;

  const std::string& text() const { return text_; }
  bool with_seconds() const { return with_seconds_; }

 private:
  Cron() = default;
  bool day_matches(std::chrono::local_days day) const;
  // Within one stretch of constant UTC offset: the first matching local time in [from, limit),
  // the last in [limit, until].
  std::optional<LocalSeconds> first_match(LocalSeconds from, LocalSeconds limit) const;
  std::optional<LocalSeconds> last_match(LocalSeconds until, LocalSeconds limit) const;
  std::optional<std::chrono::seconds> first_time_of_day(std::chrono::seconds from) const;
  std::optional<std::chrono::seconds> last_time_of_day(std::chrono::seconds until) const;
  std::optional<SysSeconds> first_after(SysSeconds after, const TimeZone& zone) const;

  std::string text_;
  bool with_seconds_ = false;
  std::bitset<60> seconds_, minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1-31
  std::bitset<13> months_;    // 1-12
  std::bitset<7> weekdays_;   // 0 = Sunday
  bool any_day_of_month_ = true, any_day_of_week_ = true;  // the field is * (or */1)

  friend class CronParser;
};

}  // namespace runwatch
