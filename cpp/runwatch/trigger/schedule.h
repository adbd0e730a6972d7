#pragma once
// Kestra's Schedule trigger, its properties read and checked: the dates it fires at and
// what each firing hands the execution.
#include <memory>
#include <optional>
#include <string_view>

#include "runwatch/model/flow.h"
#include "runwatch/model/schema.h"
#include "runwatch/trigger/cron.h"
#include "runwatch/trigger/time_zone.h"

namespace runwatch {

inline constexpr std::string_view kScheduleTriggerType = "io.kestra.plugin.core.trigger.Schedule";

// What to do with dates the clock went past while the scheduler could not fire them (the
// engine was busy or suspended, or a manual clock jumped). Kestra's default is All.
enum class RecoverMissedSchedules { All, Last, None };

struct ScheduleDefinition {
  Cron cron;
  std::shared_ptr<const TimeZone> zone;  // `timezone`; UTC when not given
  RecoverMissedSchedules recover = RecoverMissedSchedules::All;
  std::optional<Duration> late_maximum_delay;  // a date later than this is skipped
  Value inputs = Value::object();              // templates, rendered at each firing

  // Throws Error for a bad cron (CronError), time zone or duration.
  static ScheduleDefinition of(const TriggerDef& trigger);

  // What the execution sees as `trigger` for a date: date, next and previous, in the
  // zone's offset as Kestra prints them ("2024-03-31T03:00:00+02:00"; "...Z" in UTC).
  Value variables(TimePoint date) const;
  std::optional<TimePoint> next(TimePoint after) const { return cron.next(after, *zone); }
  std::optional<TimePoint> previous(TimePoint before) const { return cron.previous(before, *zone); }
  // Whether both fire at the same dates (same cron, seconds and zone), so that a
  // replaced trigger keeps its place in the schedule.
  bool same_dates(const ScheduleDefinition& other) const;
};

// The Schedule schema's load-time check: the cron expression and the time zone.
std::vector<PropertyProblem> check_schedule_properties(const Value& properties);

}  // namespace runwatch
