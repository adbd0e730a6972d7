#include "runwatch/condition/time_window.h"

#include "runwatch/model/error.h"

namespace runwatch {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::seconds;

constexpr std::string_view kDurationWindow = "DURATION_WINDOW";
constexpr std::string_view kSlidingWindow = "SLIDING_WINDOW";
constexpr std::string_view kDailyTimeWindow = "DAILY_TIME_WINDOW";
constexpr std::string_view kDailyTimeDeadline = "DAILY_TIME_DEADLINE";

// Kestra's TimeWindowValidation: each type takes only its own properties.
void report_foreign_properties(PropertyReader& reader, std::string_view type,
                               std::initializer_list<std::pair<std::string_view, std::string_view>> foreign) {
  for (const auto& [name, what] : foreign)
    if (reader.has(name))
      reader.problem(name, "Time window of type `" + std::string(type) + "` cannot have " + std::string(what) + ".");
}

void require(PropertyReader& reader, std::string_view type, std::string_view name, std::string_view what) {
  if (!reader.has(name))
    reader.problem(name, "Time window of type `" + std::string(type) + "` must have " + std::string(what) + ".");
}

}  // namespace

TimeWindow::TimeWindow() : window_(days(1)), zone_(TimeZone::utc()) {}

TimeWindow TimeWindow::read(PropertyReader& reader) {
  TimeWindow out;
  if (!reader.is_mapping()) return out;
  reader.allow_only({"type", "window", "windowAdvance", "deadline", "startTime", "endTime", "timezone"});
  auto type = reader.one_of("type", {kDurationWindow, kSlidingWindow, kDailyTimeWindow, kDailyTimeDeadline})
                  .value_or(std::string(kDurationWindow));
  if (type == kDurationWindow) {
    out.type_ = Type::DurationWindow;
    report_foreign_properties(reader, type, {{"deadline", "a deadline"}, {"startTime", "a start time"}, {"endTime", "an end time"}});
  } else if (type == kSlidingWindow) {
    out.type_ = Type::SlidingWindow;
    report_foreign_properties(reader, type, {{"deadline", "a deadline"}, {"startTime", "a start time"},
                                             {"endTime", "an end time"}, {"windowAdvance", "a window advance"}});
  } else if (type == kDailyTimeWindow) {
    out.type_ = Type::DailyTimeWindow;
    report_foreign_properties(reader, type, {{"window", "a window"}, {"windowAdvance", "a window advance"}, {"deadline", "a deadline"}});
    require(reader, type, "startTime", "a start time");
    require(reader, type, "endTime", "an end time");
  } else {
    out.type_ = Type::DailyTimeDeadline;
    report_foreign_properties(reader, type, {{"window", "a window"}, {"windowAdvance", "a window advance"},
                                             {"startTime", "a start time"}, {"endTime", "an end time"}});
    require(reader, type, "deadline", "a deadline");
  }
  out.window_ = reader.duration("window", true).value_or(out.window_);
  out.advance_ = reader.duration("windowAdvance", false).value_or(out.advance_);
  out.start_time_ = reader.time_of_day("startTime").value_or(out.start_time_);
  out.end_time_ = reader.time_of_day(out.type_ == Type::DailyTimeDeadline ? "deadline" : "endTime").value_or(out.end_time_);
  if (auto zone = reader.text("timezone")) {
    try {
      out.zone_ = TimeZone::find(*zone);
    } catch (const Error&) {
      reader.problem("timezone", "timezone '" + *zone + "' is not a valid time-zone ID");
    }
  }
  return out;
}

TimePoint TimeWindow::instant_of_local(TimePoint local, TimePoint near) const {
  auto offset = zone_->offset_at(floor<seconds>(near));
  return local - zone_->offset_at(floor<seconds>(local - offset));
}

std::optional<WindowBounds> TimeWindow::bounds(TimePoint now) const {
  TimePoint local = now + zone_->offset_at(floor<seconds>(now));
  TimePoint day = floor<days>(local);
  switch (type_) {
    case Type::SlidingWindow:
      return WindowBounds{now - window_, now};
    case Type::DailyTimeWindow:
    case Type::DailyTimeDeadline: {
      WindowBounds today{instant_of_local(day + (type_ == Type::DailyTimeWindow ? start_time_ : Duration{}), now),
                         instant_of_local(day + end_time_, now)};
      if (now < today.start || now >= today.end) return std::nullopt;
      return today;
    }
    case Type::DurationWindow:
      break;
  }
  // The day is tiled from midnight plus windowAdvance, as Kestra documents it. (Its code
  // anchors windows under a day at the hour or minute of the first event, and with
  // windowAdvance may start the window after now and then ignore the event.)
  TimePoint first = day + advance_;
  auto steps = (local - first) / window_;
  if (local < first + steps * window_) --steps;
  TimePoint begin = instant_of_local(first + steps * window_, now);
  return WindowBounds{begin, begin + window_};
}

}  // namespace runwatch
