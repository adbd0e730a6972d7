// The time windows of preconditions, dependsOn and MultipleCondition: which window holds
// an instant, for each type, across midnight, month ends, a leap day and zone offsets;
// and every property error, with its path, for 1.x `timeWindow` and 2.0 `window`.
#include <gtest/gtest.h>

#include "runwatch/condition/time_window.h"

namespace runwatch {
namespace {

TimePoint at(const std::string& iso) { return *parse_instant(iso); }

struct Read {
  TimeWindow window;
  std::vector<PropertyProblem> problems;
};

Read read(const Value& properties) {
  Read out;
  PropertyReader reader(properties, "timeWindow", out.problems);
  out.window = TimeWindow::read(reader);
  return out;
}

// A Kestra 2.0 `window`.
Read read_window(const Value& properties) {
  Read out;
  PropertyReader reader(properties, "window", out.problems);
  out.window = TimeWindow::read_window(reader);
  return out;
}

// "start - end" of the window holding `now`, or "none".
std::string window_at(const Value& properties, const std::string& now, Read (*reading)(const Value&) = read) {
  auto r = reading(properties);
  EXPECT_TRUE(r.problems.empty());
  auto bounds = r.window.bounds(at(now));
  return bounds ? format_instant(bounds->start) + " - " + format_instant(bounds->end) : "none";
}

TEST(TimeWindow, TheDefaultIsTheUtcDayIncludingALeapDay) {
  EXPECT_EQ(window_at(Value::object(), "2024-02-29T13:45:10Z"), "2024-02-29T00:00:00Z - 2024-03-01T00:00:00Z");
  EXPECT_EQ(window_at(Value::object(), "2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z - 2024-03-01T00:00:00Z");
  EXPECT_EQ(window_at(Value::object(), "2024-01-31T23:59:59Z"), "2024-01-31T00:00:00Z - 2024-02-01T00:00:00Z");
}

TEST(TimeWindow, DurationWindowsTileTheDayFromMidnightPlusTheAdvance) {
  EXPECT_EQ(window_at({{"window", "PT1H"}}, "2024-03-01T10:30:00Z"), "2024-03-01T10:00:00Z - 2024-03-01T11:00:00Z");
  EXPECT_EQ(window_at({{"window", "PT10M"}}, "2024-03-01T10:37:12Z"), "2024-03-01T10:30:00Z - 2024-03-01T10:40:00Z");
  EXPECT_EQ(window_at({{"window", "PT6H"}, {"windowAdvance", "PT3H"}}, "2024-03-01T10:00:00Z"),
            "2024-03-01T09:00:00Z - 2024-03-01T15:00:00Z");
  EXPECT_EQ(window_at({{"window", "PT6H"}, {"windowAdvance", "PT3H"}}, "2024-03-01T01:00:00Z"),
            "2024-02-29T21:00:00Z - 2024-03-01T03:00:00Z");
  EXPECT_EQ(window_at({{"windowAdvance", "PT6H"}}, "2024-03-01T03:00:00Z"), "2024-02-29T06:00:00Z - 2024-03-01T06:00:00Z");
  EXPECT_EQ(window_at({{"windowAdvance", "PT6H"}}, "2024-03-01T06:00:00Z"), "2024-03-01T06:00:00Z - 2024-03-02T06:00:00Z");
  EXPECT_EQ(window_at({{"type", "DURATION_WINDOW"}, {"window", "P2D"}}, "2023-12-31T22:00:00Z"),
            "2023-12-31T00:00:00Z - 2024-01-02T00:00:00Z");
}

TEST(TimeWindow, ASlidingWindowEndsNow) {
  EXPECT_EQ(window_at({{"type", "SLIDING_WINDOW"}, {"window", "PT1H"}}, "2024-03-01T00:20:00Z"),
            "2024-02-29T23:20:00Z - 2024-03-01T00:20:00Z");
  EXPECT_EQ(window_at({{"type", "SLIDING_WINDOW"}}, "2024-03-01T00:20:00Z"), "2024-02-29T00:20:00Z - 2024-03-01T00:20:00Z");
}

TEST(TimeWindow, DailyWindowsHoldOnlyTheirHoursOfEachDay) {
  const Value morning = {{"type", "DAILY_TIME_WINDOW"}, {"startTime", "06:00:00"}, {"endTime", "09:00"}};
  EXPECT_EQ(window_at(morning, "2024-12-31T05:59:59Z"), "none");
  EXPECT_EQ(window_at(morning, "2024-12-31T06:00:00Z"), "2024-12-31T06:00:00Z - 2024-12-31T09:00:00Z");
  EXPECT_EQ(window_at(morning, "2024-12-31T09:00:00Z"), "none");
  const Value by_nine = {{"type", "DAILY_TIME_DEADLINE"}, {"deadline", "09:00:00"}};
  EXPECT_EQ(window_at(by_nine, "2024-12-31T23:30:00Z"), "none");
  EXPECT_EQ(window_at(by_nine, "2025-01-01T00:10:00Z"), "2025-01-01T00:00:00Z - 2025-01-01T09:00:00Z");
  // As Kestra's: a window whose end is before its start never holds anything.
  const Value overnight = {{"type", "DAILY_TIME_WINDOW"}, {"startTime", "22:00:00"}, {"endTime", "02:00:00"}};
  EXPECT_EQ(window_at(overnight, "2024-12-31T23:00:00Z"), "none");
}

TEST(TimeWindow, DaysAreThoseOfTheTimeZone) {
  const Value kolkata = {{"type", "DAILY_TIME_DEADLINE"}, {"deadline", "09:00:00"}, {"timezone", "+05:30"}};
  EXPECT_EQ(window_at(kolkata, "2024-01-31T19:00:00Z"), "2024-01-31T18:30:00Z - 2024-02-01T03:30:00Z");
  EXPECT_EQ(window_at(kolkata, "2024-02-01T03:30:00Z"), "none");
  // The night the clocks go forward in Paris: the window starts at midnight (+01:00) and
  // lasts 24 hours, as Kestra adds a Duration to it.
  const Value paris = {{"timezone", "Europe/Paris"}};
  EXPECT_EQ(window_at(paris, "2024-03-31T12:00:00Z"), "2024-03-30T23:00:00Z - 2024-03-31T23:00:00Z");
  const Value paris_deadline = {{"type", "DAILY_TIME_DEADLINE"}, {"deadline", "09:00:00"}, {"timezone", "Europe/Paris"}};
  EXPECT_EQ(window_at(paris_deadline, "2024-03-31T06:59:00Z"), "2024-03-30T23:00:00Z - 2024-03-31T07:00:00Z");
}

using Texts = std::vector<std::string>;

// "path: message" of each problem.
Texts problems(const Value& properties, Read (*reading)(const Value&) = read) {
  Texts out;
  for (const auto& p : reading(properties).problems) out.push_back(p.path + ": " + p.message);
  return out;
}

TEST(TimeWindow, EachTypeTakesOnlyItsOwnProperties) {
  EXPECT_EQ(problems({{"type", "DAILY_TIME_DEADLINE"}, {"window", "PT1H"}}),
            (Texts{"timeWindow.window: Time window of type `DAILY_TIME_DEADLINE` cannot have a window.",
                   "timeWindow.deadline: Time window of type `DAILY_TIME_DEADLINE` must have a deadline."}));
  EXPECT_EQ(problems({{"type", "DAILY_TIME_DEADLINE"}, {"deadline", "9:00"}, {"startTime", "06:00"}, {"endTime", "07:00"},
                      {"windowAdvance", "PT1H"}}),
            (Texts{"timeWindow.windowAdvance: Time window of type `DAILY_TIME_DEADLINE` cannot have a window advance.",
                   "timeWindow.startTime: Time window of type `DAILY_TIME_DEADLINE` cannot have a start time.",
                   "timeWindow.endTime: Time window of type `DAILY_TIME_DEADLINE` cannot have an end time.",
                   "timeWindow.deadline: invalid time '9:00': expected a time of day such as 09:00:00"}));
  EXPECT_EQ(problems({{"type", "DAILY_TIME_WINDOW"}, {"deadline", "09:00"}, {"windowAdvance", "PT1H"}}),
            (Texts{"timeWindow.windowAdvance: Time window of type `DAILY_TIME_WINDOW` cannot have a window advance.",
                   "timeWindow.deadline: Time window of type `DAILY_TIME_WINDOW` cannot have a deadline.",
                   "timeWindow.startTime: Time window of type `DAILY_TIME_WINDOW` must have a start time.",
                   "timeWindow.endTime: Time window of type `DAILY_TIME_WINDOW` must have an end time."}));
  EXPECT_EQ(problems({{"type", "SLIDING_WINDOW"}, {"windowAdvance", "PT1H"}, {"deadline", "09:00"}, {"startTime", "06:00"},
                      {"endTime", "07:00"}}),
            (Texts{"timeWindow.deadline: Time window of type `SLIDING_WINDOW` cannot have a deadline.",
                   "timeWindow.startTime: Time window of type `SLIDING_WINDOW` cannot have a start time.",
                   "timeWindow.endTime: Time window of type `SLIDING_WINDOW` cannot have an end time.",
                   "timeWindow.windowAdvance: Time window of type `SLIDING_WINDOW` cannot have a window advance."}));
  EXPECT_EQ(problems({{"deadline", "09:00"}, {"startTime", "06:00"}, {"endTime", "07:00"}}),
            (Texts{"timeWindow.deadline: Time window of type `DURATION_WINDOW` cannot have a deadline.",
                   "timeWindow.startTime: Time window of type `DURATION_WINDOW` cannot have a start time.",
                   "timeWindow.endTime: Time window of type `DURATION_WINDOW` cannot have an end time."}));
  EXPECT_EQ(problems({{"type", "HOURLY"}, {"window", "1h"}, {"windowAdvance", "-PT1H"}, {"timezone", "Mars/Olympus"},
                      {"size", 3}}),
            (Texts{"timeWindow.size: unknown property 'size'",
                   "timeWindow.type: 'type' must be one of DURATION_WINDOW, SLIDING_WINDOW, DAILY_TIME_WINDOW, "
                   "DAILY_TIME_DEADLINE, not 'HOURLY'",
                   "timeWindow.window: invalid duration '1h': expected an ISO-8601 duration such as PT1H",
                   "timeWindow.windowAdvance: 'windowAdvance' must not be negative, not -PT1H",
                   "timeWindow.timezone: timezone 'Mars/Olympus' is not a valid time-zone ID"}));
  EXPECT_EQ(problems({{"window", "PT0S"}}), (Texts{"timeWindow.window: 'window' must be a positive duration, not PT0S"}));
  EXPECT_EQ(problems("P1D"), (Texts{"timeWindow: expected a mapping, not \"P1D\""}));
}

std::string window2_at(const Value& properties, const std::string& now) {
  return window_at(properties, now, read_window);
}

TEST(TimeWindow, AKestra2WindowIsTheDayFromMidnightByDefault) {
  EXPECT_EQ(window2_at(Value::object(), "2024-02-29T13:45:10Z"), "2024-02-29T00:00:00Z - 2024-03-01T00:00:00Z");
  EXPECT_EQ(read_window(Value::object()).window.type(), TimeWindow::Type::DurationWindow);
}

TEST(TimeWindow, AKestra2WindowTakesItsTypeFromItsKeys) {
  EXPECT_EQ(window2_at({{"every", "PT1H"}, {"offset", "PT30M"}}, "2024-03-01T10:20:00Z"),
            "2024-03-01T09:30:00Z - 2024-03-01T10:30:00Z");
  EXPECT_EQ(window2_at({{"every", "PT1H"}, {"offset", "PT30M"}}, "2024-03-01T10:30:00Z"),
            "2024-03-01T10:30:00Z - 2024-03-01T11:30:00Z");
  EXPECT_EQ(read_window({{"lookback", "PT1H"}}).window.type(), TimeWindow::Type::SlidingWindow);
  EXPECT_EQ(window2_at({{"lookback", "PT1H"}}, "2024-03-01T00:20:00Z"), "2024-02-29T23:20:00Z - 2024-03-01T00:20:00Z");
  const Value morning = {{"from", "06:00:00"}, {"to", "12:00"}};
  EXPECT_EQ(window2_at(morning, "2024-03-01T05:59:59Z"), "none");
  EXPECT_EQ(window2_at(morning, "2024-03-01T11:00:00Z"), "2024-03-01T06:00:00Z - 2024-03-01T12:00:00Z");
  EXPECT_EQ(window2_at(morning, "2024-03-01T12:00:00Z"), "none");
  const Value by_nine = {{"deadline", "09:00:00"}};
  EXPECT_EQ(window2_at(by_nine, "2024-03-01T08:59:00Z"), "2024-03-01T00:00:00Z - 2024-03-01T09:00:00Z");
  EXPECT_EQ(window2_at(by_nine, "2024-03-01T09:00:00Z"), "none");
  const Value paris = {{"deadline", "09:00:00"}, {"timezone", "Europe/Paris"}};
  EXPECT_EQ(window2_at(paris, "2024-02-29T07:30:00Z"), "2024-02-28T23:00:00Z - 2024-02-29T08:00:00Z");
}

Texts window_problems(const Value& properties) { return problems(properties, read_window); }

TEST(TimeWindow, EachKestra2WindowTypeTakesOnlyItsOwnKeys) {
  EXPECT_EQ(window_problems({{"deadline", "09:00"},
                             {"every", "PT1H"},
                             {"offset", "PT1H"},
                             {"from", "06:00"},
                             {"to", "07:00"},
                             {"lookback", "PT1H"}}),
            (Texts{"window.every: Window of type `DAILY_TIME_DEADLINE` cannot have an every duration.",
                   "window.offset: Window of type `DAILY_TIME_DEADLINE` cannot have an offset.",
                   "window.from: Window of type `DAILY_TIME_DEADLINE` cannot have a from time.",
                   "window.to: Window of type `DAILY_TIME_DEADLINE` cannot have a to time.",
                   "window.lookback: Window of type `DAILY_TIME_DEADLINE` cannot have a lookback duration."}));
  EXPECT_EQ(window_problems(
                {{"from", "06:00"}, {"to", "07:00"}, {"every", "PT1H"}, {"offset", "PT1H"}, {"lookback", "PT1H"}}),
            (Texts{"window.every: Window of type `DAILY_TIME_WINDOW` cannot have an every duration.",
                   "window.offset: Window of type `DAILY_TIME_WINDOW` cannot have an offset.",
                   "window.lookback: Window of type `DAILY_TIME_WINDOW` cannot have a lookback duration."}));
  EXPECT_EQ(window_problems({{"from", "06:00"}}),
            (Texts{"window.to: Window of type `DAILY_TIME_WINDOW` must have a to time."}));
  EXPECT_EQ(window_problems({{"to", "07:00"}}),
            (Texts{"window.from: Window of type `DAILY_TIME_WINDOW` must have a from time."}));
  EXPECT_EQ(window_problems({{"lookback", "PT1H"}, {"every", "PT1H"}, {"offset", "PT1H"}}),
            (Texts{"window.every: Window of type `SLIDING_WINDOW` cannot have an every duration.",
                   "window.offset: Window of type `SLIDING_WINDOW` cannot have an offset."}));
  EXPECT_EQ(
      window_problems({{"every", "PT0S"}, {"offset", "1h"}, {"timezone", "Mars/Olympus"}, {"type", "SLIDING_WINDOW"}}),
      (Texts{"window.type: unknown property 'type'", "window.every: 'every' must be a positive duration, not PT0S",
             "window.offset: invalid duration '1h': expected an ISO-8601 duration such as PT1H",
             "window.timezone: timezone 'Mars/Olympus' is not a valid time-zone ID"}));
  EXPECT_EQ(window_problems({{"deadline", "9 AM"}}),
            (Texts{"window.deadline: invalid time '9 AM': expected a time of day such as 09:00:00"}));
}

}  // namespace
}  // namespace runwatch
