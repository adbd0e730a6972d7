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

// Kestra's TimeWindowValidation (1.x `timeWindow`: "Time window of type ...") and
// WindowValidator (2.0 `window`: "Window of type ..."): each type takes only its own
// properties.
struct Validation {
  std::string_view noun;
  std::string_view type;

  std::string subject() const { return std::string(noun) + " of type `" + std::string(type) + "`"; }
  void refuse(PropertyReader& reader,
              std::initializer_list<std::pair<std::string_view, std::string_view>> foreign) const {
    for (const auto& [name, what] : foreign)
      if (reader.has(name)) reader.problem(name, subject() + " cannot have " + std::string(what) + ".");
  }
  void require(PropertyReader& reader, std::string_view name, std::string_view what) const {
    if (!reader.has(name)) reader.problem(name, subject() + " must have " + std::string(what) + ".");
  }
};

std::shared_ptr<const TimeZone> read_zone(PropertyReader& reader, std::shared_ptr<const TimeZone> otherwise) {
  auto zone = reader.text("timezone");
  if (!zone) return otherwise;
  try {
    return TimeZone::find(*zone);
  } catch (const Error&) {
    reader.problem("timezone", "timezone '" + *zone + "' is not a valid time-zone ID");
    return otherwise;
  }
}

}  // namespace

TimeWindow::TimeWindow() : window_(days(1)), zone_(TimeZone::utc()) {}

TimeWindow TimeWindow::read(PropertyReader& reader) {
  TimeWindow out;
  if (!reader.is_mapping()) return out;
  reader.allow_only({"type", "window", "windowAdvance", "deadline", "startTime", "endTime", "timezone"});
  auto type = reader.one_of("type", {kDurationWindow, kSlidingWindow, kDailyTimeWindow, kDailyTimeDeadline})
                  .value_or(std::string(kDurationWindow));
  Validation check{"Time window", type};
  if (type == kDurationWindow) {
    out.type_ = Type::DurationWindow;
    check.refuse(reader, {{"deadline", "a deadline"}, {"startTime", "a start time"}, {"endTime", "an end time"}});
  } else if (type == kSlidingWindow) {
    out.type_ = Type::SlidingWindow;
    check.refuse(reader, {{"deadline", "a deadline"},
                          {"startTime", "a start time"},
                          {"endTime", "an end time"},
                          {"windowAdvance", "a window advance"}});
  } else if (type == kDailyTimeWindow) {
    out.type_ = Type::DailyTimeWindow;
    check.refuse(reader, {{"window", "a window"}, {"windowAdvance", "a window advance"}, {"deadline", "a deadline"}});
    check.require(reader, "startTime", "a start time");
    check.require(reader, "endTime", "an end time");
  } else {
    out.type_ = Type::DailyTimeDeadline;
    check.refuse(reader, {{"window", "a window"},
                          {"windowAdvance", "a window advance"},
                          {"startTime", "a start time"},
                          {"endTime", "an end time"}});
    check.require(reader, "deadline", "a deadline");
  }
  out.window_ = reader.duration("window", true).value_or(out.window_);
  out.advance_ = reader.duration("windowAdvance", false).value_or(out.advance_);
  out.start_time_ = reader.time_of_day("startTime").value_or(out.start_time_);
  out.end_time_ = reader.time_of_day(out.type_ == Type::DailyTimeDeadline ? "deadline" : "endTime").value_or(out.end_time_);
  out.zone_ = read_zone(reader, out.zone_);
  return out;
}

TimeWindow TimeWindow::read_window(PropertyReader& reader) {
  TimeWindow out;
  if (!reader.is_mapping()) return out;
  reader.allow_only({"deadline", "from", "to", "lookback", "every", "offset", "timezone"});
  // Kestra's Window.toTimeWindow: the first of these that is given decides the type.
  if (reader.has("deadline")) {
    out.type_ = Type::DailyTimeDeadline;
    Validation{"Window", kDailyTimeDeadline}.refuse(reader, {{"every", "an every duration"},
                                                             {"offset", "an offset"},
                                                             {"from", "a from time"},
                                                             {"to", "a to time"},
                                                             {"lookback", "a lookback duration"}});
  } else if (reader.has("from") || reader.has("to")) {
    out.type_ = Type::DailyTimeWindow;
    Validation check{"Window", kDailyTimeWindow};
    check.require(reader, "from", "a from time");
    check.require(reader, "to", "a to time");
    check.refuse(reader,
                 {{"every", "an every duration"}, {"offset", "an offset"}, {"lookback", "a lookback duration"}});
  } else if (reader.has("lookback")) {
    out.type_ = Type::SlidingWindow;
    Validation{"Window", kSlidingWindow}.refuse(reader, {{"every", "an every duration"}, {"offset", "an offset"}});
  }
  out.window_ = reader.duration(out.type_ == Type::SlidingWindow ? "lookback" : "every", true).value_or(out.window_);
  out.advance_ = reader.duration("offset", false).value_or(out.advance_);
  out.start_time_ = reader.time_of_day("from").value_or(out.start_time_);
  out.end_time_ = reader.time_of_day(out.type_ == Type::DailyTimeDeadline ? "deadline" : "to").value_or(out.end_time_);
  out.zone_ = read_zone(reader, out.zone_);
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
