#pragma once
// The time window of Kestra's Flow trigger preconditions and MultipleCondition
// (io.kestra.core.models.triggers.TimeWindow): the stretch of time within which every
// named condition must have been met.
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

  Type type() const { return type_; }
  Duration window() const { return window_; }
  // The window holding `now`: for DURATION_WINDOW the one that starts at midnight plus
  // `windowAdvance` plus a whole number of windows; for the daily types today's, none
  // outside its hours; for SLIDING_WINDOW the `window` that ends at now. Days are those
  // of `timezone` (UTC when not set).
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
