#pragma once
// The time window of Kestra's Flow trigger preconditions, dependsOn and MultipleCondition
// (io.kestra.core.models.triggers.TimeWindow, which 2.0's Window converts to): the
// stretch of time within which the named conditions must have been met.
#include <memory>
#include <optional>

#include "runwatch/condition/property_reader.h"
#include "runwatch/model/time.h"
#include "runwatch/trigger/time_zone.h"

namespace runwatch {

// [start, end)
struct WindowBounds {
  TimePoint start;
  TimePoint end;
  bool operator==(const WindowBounds&) const = default;
};

class TimeWindow {
 public:
  enum class Type { DurationWindow, SlidingWindow, DailyTimeWindow, DailyTimeDeadline };

  // Kestra's default: a DURATION_WINDOW of one day, from midnight UTC.
  TimeWindow();
  // Reads a `timeWindow` mapping, reporting each problem to the reader.
  static TimeWindow read(PropertyReader& reader);
  // Reads a Kestra 2.0 `window` mapping: `deadline`, `from` and `to`, `lookback`, or
  // `every` and `offset` (a DURATION_WINDOW, one day by default), and `timezone`.
  static TimeWindow read_window(PropertyReader& reader);

  Type type() const { return type_; }
  Duration window() const { return window_; }
  // The window holding `now`: for DURATION_WINDOW the one that starts at midnight plus
  // `windowAdvance` plus a whole number of windows; for the daily types today's, none
  // outside its hours; for SLIDING_WINDOW the `window` that ends at now (what Kestra
  // documents; its code opens [first event, first event + window] instead). Days are
  // those of `timezone` (UTC when not set).
  std::optional<WindowBounds> bounds(TimePoint now) const;

 private:
  TimePoint instant_of_local(TimePoint local, TimePoint near) const;

  Type type_ = Type::DurationWindow;
  Duration window_;
  Duration advance_{};
  Duration start_time_{};  // DAILY_TIME_WINDOW
  Duration end_time_{};    // DAILY_TIME_WINDOW; DAILY_TIME_DEADLINE's deadline
  std::shared_ptr<const TimeZone> zone_;
};

}  // namespace runwatch
