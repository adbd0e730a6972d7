// The cron dialect of Kestra's Schedule trigger and the time zones it is computed in.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runwatch/trigger/cron.h"
#include "runwatch/trigger/schedule.h"
#include "runwatch/trigger/time_zone.h"

namespace runwatch {
namespace {

TimePoint at(const std::string& iso) {
  auto t = parse_instant(iso);
  if (!t) throw std::runtime_error("bad instant " + iso);
  return *t;
}

// The next `count` dates after `after`, printed in the zone (as trigger.date is).
std::vector<std::string> next_dates(const std::string& cron, const std::string& after, int count,
                                    const std::string& zone = "UTC", bool with_seconds = false) {
  auto parsed = Cron::parse(cron, with_seconds);
  auto tz = TimeZone::find(zone);
  std::vector<std::string> out;
  auto t = at(after);
  for (int i = 0; i < count; ++i) {
    auto n = parsed.next(t, *tz);
    if (!n) break;
    out.push_back(format_in_zone(*n, *tz));
    t = *n;
  }
  return out;
}

std::vector<std::string> previous_dates(const std::string& cron, const std::string& before, int count,
                                        const std::string& zone = "UTC") {
  auto parsed = Cron::parse(cron);
  auto tz = TimeZone::find(zone);
  std::vector<std::string> out;
  auto t = at(before);
  for (int i = 0; i < count; ++i) {
    auto p = parsed.previous(t, *tz);
    if (!p) break;
    out.push_back(format_in_zone(*p, *tz));
    t = *p;
  }
  return out;
}

using Dates = std::vector<std::string>;

struct ValidCase {
  std::string cron;
  bool with_seconds;
  std::string after;
  Dates expected;
};

class CronValid : public ::testing::TestWithParam<ValidCase> {};

TEST_P(CronValid, NextDates) {
  const auto& c = GetParam();
  EXPECT_EQ(next_dates(c.cron, c.after, static_cast<int>(c.expected.size()), "UTC", c.with_seconds), c.expected)
      << c.cron;
}

INSTANTIATE_TEST_SUITE_P(
    Cron, CronValid,
    ::testing::Values(
        // minute, hour, day, month and year boundaries
        ValidCase{"* * * * *", false, "2024-01-01T00:00:00Z",
                  {"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:03:00Z"}},
        ValidCase{"*/15 * * * *", false, "2024-01-01T00:50:00Z", {"2024-01-01T01:00:00Z", "2024-01-01T01:15:00Z"}},
        ValidCase{"59 23 * * *", false, "2024-01-31T23:59:00Z", {"2024-02-01T23:59:00Z"}},
        ValidCase{"0 0 * * *", false, "2024-12-31T12:00:00Z", {"2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"}},
        // the 31st only in months that have one
        ValidCase{"0 12 31 * *", false, "2024-03-31T12:00:00Z",
                  {"2024-05-31T12:00:00Z", "2024-07-31T12:00:00Z", "2024-08-31T12:00:00Z", "2024-10-31T12:00:00Z"}},
        // leap days
        ValidCase{"0 0 29 2 *", false, "2024-02-29T00:00:00Z", {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
        ValidCase{"0 0 29 2 *", false, "2096-03-01T00:00:00Z", {"2104-02-29T00:00:00Z"}},
        // ranges, steps and lists
        ValidCase{"1-10/3 * * * *", false, "2024-01-01T00:00:00Z",
                  {"2024-01-01T00:01:00Z", "2024-01-01T00:04:00Z", "2024-01-01T00:07:00Z", "2024-01-01T00:10:00Z",
                   "2024-01-01T01:01:00Z"}},
        ValidCase{"5/20 * * * *", false, "2024-01-01T00:00:00Z",
                  {"2024-01-01T00:05:00Z", "2024-01-01T00:25:00Z", "2024-01-01T00:45:00Z", "2024-01-01T01:05:00Z"}},
        ValidCase{"0,30 9-17/4 * * *", false, "2024-01-01T00:00:00Z",
                  {"2024-01-01T09:00:00Z", "2024-01-01T09:30:00Z", "2024-01-01T13:00:00Z", "2024-01-01T13:30:00Z",
                   "2024-01-01T17:00:00Z", "2024-01-01T17:30:00Z", "2024-01-02T09:00:00Z"}},
        // names, case-insensitive
        ValidCase{"0 0 1 JAN,jul *", false, "2024-06-01T00:00:00Z", {"2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z"}},
        ValidCase{"0 0 1 Mar-May *", false, "2024-03-15T00:00:00Z", {"2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z",
                                                                      "2025-03-01T00:00:00Z"}},
        // 2024-09-06 is a Friday
        ValidCase{"0 9 * * MON-FRI", false, "2024-09-06T10:00:00Z", {"2024-09-09T09:00:00Z", "2024-09-10T09:00:00Z"}},
        // Sunday is 0, 7 and SUN; SUN may end a range
        ValidCase{"0 0 * * 0", false, "2024-09-02T00:00:00Z", {"2024-09-08T00:00:00Z"}},
        ValidCase{"0 0 * * 7", false, "2024-09-02T00:00:00Z", {"2024-09-08T00:00:00Z"}},
        ValidCase{"0 0 * * sun", false, "2024-09-02T00:00:00Z", {"2024-09-08T00:00:00Z"}},
        ValidCase{"0 0 * * SAT-SUN", false, "2024-09-02T00:00:00Z", {"2024-09-07T00:00:00Z", "2024-09-08T00:00:00Z",
                                                                      "2024-09-14T00:00:00Z"}},
        ValidCase{"0 0 * * 5-7", false, "2024-09-02T00:00:00Z", {"2024-09-06T00:00:00Z", "2024-09-07T00:00:00Z",
                                                                  "2024-09-08T00:00:00Z", "2024-09-13T00:00:00Z"}},
        // day of month and day of week both restricted: either (the 13th or a Friday)
        ValidCase{"0 0 13 * 5", false, "2024-09-01T00:00:00Z",
                  {"2024-09-06T00:00:00Z", "2024-09-13T00:00:00Z", "2024-09-20T00:00:00Z", "2024-09-27T00:00:00Z",
                   "2024-10-04T00:00:00Z", "2024-10-11T00:00:00Z", "2024-10-13T00:00:00Z"}},
        // one of them * (or */1): the other alone
        ValidCase{"0 0 13 * *", false, "2024-09-01T00:00:00Z", {"2024-09-13T00:00:00Z", "2024-10-13T00:00:00Z"}},
        ValidCase{"0 0 13 * */1", false, "2024-09-01T00:00:00Z", {"2024-09-13T00:00:00Z", "2024-10-13T00:00:00Z"}},
        ValidCase{"0 0 13 * 0-6", false, "2024-09-01T00:00:00Z", {"2024-09-02T00:00:00Z", "2024-09-03T00:00:00Z"}},
        ValidCase{"0 0 * * 5", false, "2024-09-01T00:00:00Z", {"2024-09-06T00:00:00Z", "2024-09-13T00:00:00Z"}},
        // macros (2024-06-01 is a Saturday)
        ValidCase{"@yearly", false, "2024-06-01T10:30:00Z", {"2025-01-01T00:00:00Z"}},
        ValidCase{"@annually", false, "2024-06-01T10:30:00Z", {"2025-01-01T00:00:00Z"}},
        ValidCase{"@monthly", false, "2024-06-01T10:30:00Z", {"2024-07-01T00:00:00Z"}},
        ValidCase{"@weekly", false, "2024-06-01T10:30:00Z", {"2024-06-02T00:00:00Z", "2024-06-09T00:00:00Z"}},
        ValidCase{"@daily", false, "2024-06-01T10:30:00Z", {"2024-06-02T00:00:00Z"}},
        ValidCase{"@midnight", false, "2024-06-01T10:30:00Z", {"2024-06-02T00:00:00Z"}},
        ValidCase{"@hourly", false, "2024-06-01T10:30:00Z", {"2024-06-01T11:00:00Z", "2024-06-01T12:00:00Z"}},
        ValidCase{"@DAILY", false, "2024-06-01T10:30:00Z", {"2024-06-02T00:00:00Z"}},
        ValidCase{"  0   0  * *   * ", false, "2024-06-01T10:30:00Z", {"2024-06-02T00:00:00Z"}},
        // withSeconds: a leading seconds field
        ValidCase{"*/20 * * * * *", true, "2024-01-01T00:00:00Z",
                  {"2024-01-01T00:00:20Z", "2024-01-01T00:00:40Z", "2024-01-01T00:01:00Z"}},
        ValidCase{"30 0 0 * * *", true, "2024-01-01T00:00:00Z", {"2024-01-01T00:00:30Z", "2024-01-02T00:00:30Z"}},
        ValidCase{"@hourly", true, "2024-06-01T10:30:00Z", {"2024-06-01T11:00:00Z"}},
        ValidCase{"* * * * * *", true, "2024-01-01T00:00:00.500Z", {"2024-01-01T00:00:01Z"}},
        // never: February has no 30th
        ValidCase{"0 0 30 2 *", false, "2024-01-01T00:00:00Z", {}}));

struct InvalidCase {
  std::string cron;
  bool with_seconds;
  std::string message;
};

class CronInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(CronInvalid, NamesFieldAndToken) {
  const auto& c = GetParam();
  try {
    Cron::parse(c.cron, c.with_seconds);
    FAIL() << "accepted '" << c.cron << "'";
  } catch (const CronError& e) {
    EXPECT_EQ(std::string(e.what()), "invalid cron expression '" + c.cron + "': " + c.message);
  }
}

const std::string kQuartz =
    "' is not supported: Kestra's cron has no L, W, # nor ? (Schedule conditions such as DayWeekInMonth select "
    "such days)";

INSTANTIATE_TEST_SUITE_P(
    Cron, CronInvalid,
    ::testing::Values(
        InvalidCase{"0 25 * * *", false, "hour 25 is out of range 0-23"},
        InvalidCase{"60 * * * *", false, "minute 60 is out of range 0-59"},
        InvalidCase{"* * 0 * *", false, "day-of-month 0 is out of range 1-31"},
        InvalidCase{"* * 32 * *", false, "day-of-month 32 is out of range 1-31"},
        InvalidCase{"* * * 13 *", false, "month 13 is out of range 1-12"},
        InvalidCase{"* * * * 8", false, "day-of-week 8 is out of range 0-7"},
        InvalidCase{"60 * * * * *", true, "second 60 is out of range 0-59"},
        InvalidCase{"99999999999 * * * *", false, "minute 99999999999 is out of range 0-59"},
        InvalidCase{"* * * *", false, "expected 5 fields (minute hour day-of-month month day-of-week) but found 4"},
        InvalidCase{"* * * * * *", false,
                    "expected 5 fields (minute hour day-of-month month day-of-week) but found 6"},
        InvalidCase{"* * * * *", true,
                    "expected 6 fields (second minute hour day-of-month month day-of-week) but found 5"},
        InvalidCase{"", false, "it is empty"},
        InvalidCase{"   ", false, "it is empty"},
        InvalidCase{"@reboot", false,
                    "unknown macro '@reboot': use @yearly, @annually, @monthly, @weekly, @daily, @midnight or "
                    "@hourly"},
        InvalidCase{"0 0 L * *", false, "day-of-month 'L" + kQuartz},
        InvalidCase{"0 0 15W * *", false, "day-of-month '15W" + kQuartz},
        InvalidCase{"0 0 LW * *", false, "day-of-month 'LW" + kQuartz},
        InvalidCase{"0 0 L-3 * *", false, "day-of-month 'L-3" + kQuartz},
        InvalidCase{"0 0 ? * 1", false, "day-of-month '?" + kQuartz},
        InvalidCase{"0 0 * * 1#2", false, "day-of-week '1#2" + kQuartz},
        InvalidCase{"0 0 * * 5L", false, "day-of-week '5L" + kQuartz},
        InvalidCase{"0 0 * FOO *", false, "month 'FOO' is not a number nor a name (JAN-DEC)"},
        InvalidCase{"0 0 * * MONDAY", false, "day-of-week 'MONDAY' is not a number nor a name (SUN-SAT)"},
        InvalidCase{"abc * * * *", false, "minute 'abc' is not a number"},
        InvalidCase{"-5 * * * *", false, "minute '-5' is not a number"},
        InvalidCase{"0 22-2 * * *", false, "hour range '22-2' is reversed: 22 comes after 2"},
        InvalidCase{"0 0 * * FRI-MON", false, "day-of-week range 'FRI-MON' is reversed: 5 comes after 1"},
        InvalidCase{"5- * * * *", false, "minute range '5-' has no end"},
        InvalidCase{"*/0 * * * *", false, "minute step '0' in '*/0' must be a number from 1 to 59"},
        InvalidCase{"*/60 * * * *", false, "minute step '60' in '*/60' must be a number from 1 to 59"},
        InvalidCase{"0 */x * * *", false, "hour step 'x' in '*/x' must be a number from 1 to 23"},
        InvalidCase{"1,,2 * * * *", false, "minute '1,,2' has an empty list item"},
        InvalidCase{"1, * * * *", false, "minute '1,' has an empty list item"}));

TEST(CronPrevious, IsStrictlyBeforeAndCrossesBoundaries) {
  EXPECT_EQ(previous_dates("0 0 1 1 *", "2024-06-01T00:00:00Z", 2), (Dates{"2024-01-01T00:00:00Z", "2023-01-01T00:00:00Z"}));
  EXPECT_EQ(previous_dates("0 0 1 1 *", "2024-01-01T00:00:00Z", 1), (Dates{"2023-01-01T00:00:00Z"}));
  EXPECT_EQ(previous_dates("0 12 31 * *", "2024-05-01T00:00:00Z", 2), (Dates{"2024-03-31T12:00:00Z", "2024-01-31T12:00:00Z"}));
  EXPECT_EQ(previous_dates("0 0 29 2 *", "2024-02-29T00:00:00Z", 1), (Dates{"2020-02-29T00:00:00Z"}));
  EXPECT_EQ(previous_dates("*/15 * * * *", "2024-01-01T00:00:00Z", 2), (Dates{"2023-12-31T23:45:00Z", "2023-12-31T23:30:00Z"}));
  EXPECT_EQ(previous_dates("0 0 13 * 5", "2024-09-14T00:00:00Z", 2), (Dates{"2024-09-13T00:00:00Z", "2024-09-06T00:00:00Z"}));
  EXPECT_EQ(previous_dates("0 0 30 2 *", "2024-01-01T00:00:00Z", 1), (Dates{}));
}

TEST(CronPrevious, AFractionOfASecondAfterADateFindsIt) {
  auto cron = Cron::parse("* * * * * *", true);
  EXPECT_EQ(cron.previous(at("2024-01-01T00:00:00.500Z"), *TimeZone::utc()), at("2024-01-01T00:00:00Z"));
  EXPECT_EQ(cron.next(at("2024-01-01T00:00:00.500Z"), *TimeZone::utc()), at("2024-01-01T00:00:01Z"));
}

TEST(CronMatches, ReadsLocalFields) {
  auto cron = Cron::parse("30 9 * * MON-FRI");
  using namespace std::chrono;
  EXPECT_TRUE(cron.matches(local_days{year{2024} / 9 / 6} + hours(9) + minutes(30)));   // Friday
  EXPECT_FALSE(cron.matches(local_days{year{2024} / 9 / 7} + hours(9) + minutes(30)));  // Saturday
  EXPECT_FALSE(cron.matches(local_days{year{2024} / 9 / 6} + hours(9) + minutes(31)));
}

// Europe/Paris: 2024-03-31 02:00 -> 03:00 (+01:00 -> +02:00); 2024-10-27 03:00 -> 02:00.
TEST(CronTimeZone, ParisSpringForwardSkipsTheMissingTime) {
  EXPECT_EQ(next_dates("30 2 * * *", "2024-03-29T12:00:00Z", 3, "Europe/Paris"),
            (Dates{"2024-03-30T02:30:00+01:00", "2024-04-01T02:30:00+02:00", "2024-04-02T02:30:00+02:00"}));
  EXPECT_EQ(previous_dates("30 2 * * *", "2024-04-01T00:30:00Z", 1, "Europe/Paris"),
            (Dates{"2024-03-30T02:30:00+01:00"}));
  EXPECT_EQ(next_dates("0 * * * *", "2024-03-31T00:30:00Z", 2, "Europe/Paris"),
            (Dates{"2024-03-31T03:00:00+02:00", "2024-03-31T04:00:00+02:00"}));
  EXPECT_EQ(next_dates("0 3 * * *", "2024-03-30T12:00:00Z", 1, "Europe/Paris"), (Dates{"2024-03-31T03:00:00+02:00"}));
}

TEST(CronTimeZone, ParisFallBackFiresADailyTimeOnce) {
  EXPECT_EQ(next_dates("30 2 * * *", "2024-10-25T12:00:00Z", 3, "Europe/Paris"),
            (Dates{"2024-10-26T02:30:00+02:00", "2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"}));
}

TEST(CronTimeZone, ParisFallBackRunsFrequentSchedulesThroughBothHours) {
  EXPECT_EQ(next_dates("*/30 * * * *", "2024-10-27T00:00:00Z", 4, "Europe/Paris"),
            (Dates{"2024-10-27T02:30:00+02:00", "2024-10-27T02:00:00+01:00", "2024-10-27T02:30:00+01:00",
                   "2024-10-27T03:00:00+01:00"}));
  EXPECT_EQ(next_dates("0 * * * *", "2024-10-26T23:30:00Z", 3, "Europe/Paris"),
            (Dates{"2024-10-27T02:00:00+02:00", "2024-10-27T02:00:00+01:00", "2024-10-27T03:00:00+01:00"}));
}

TEST(CronTimeZone, ParisAfterTheListedTransitionsFollowsTheRule) {
  // 2045-03-26 is the last Sunday of March: 02:30 does not exist.
  EXPECT_EQ(next_dates("30 2 * * *", "2045-03-24T12:00:00Z", 2, "Europe/Paris"),
            (Dates{"2045-03-25T02:30:00+01:00", "2045-03-27T02:30:00+02:00"}));
  EXPECT_EQ(next_dates("0 12 * * *", "2045-10-28T12:00:00Z", 1, "Europe/Paris"), (Dates{"2045-10-29T12:00:00+01:00"}));
}

// America/New_York: 2024-03-10 02:00 -> 03:00 (-05:00 -> -04:00); 2024-11-03 02:00 -> 01:00.
TEST(CronTimeZone, NewYork) {
  EXPECT_EQ(next_dates("0 9 * * *", "2024-03-09T15:00:00Z", 2, "America/New_York"),
            (Dates{"2024-03-10T09:00:00-04:00", "2024-03-11T09:00:00-04:00"}));
  EXPECT_EQ(*Cron::parse("0 9 * * *").next(at("2024-03-09T15:00:00Z"), *TimeZone::find("America/New_York")),
            at("2024-03-10T13:00:00Z"));
  EXPECT_EQ(next_dates("30 2 * * *", "2024-03-09T12:00:00Z", 2, "America/New_York"),
            (Dates{"2024-03-11T02:30:00-04:00", "2024-03-12T02:30:00-04:00"}));
  EXPECT_EQ(next_dates("30 1 * * *", "2024-11-02T12:00:00Z", 2, "America/New_York"),
            (Dates{"2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"}));
}

TEST(CronTimeZone, KolkataHalfHourOffset) {
  EXPECT_EQ(next_dates("0 9 * * *", "2024-01-01T00:00:00Z", 1, "Asia/Kolkata"), (Dates{"2024-01-01T09:00:00+05:30"}));
  EXPECT_EQ(*Cron::parse("0 9 * * *").next(at("2024-01-01T00:00:00Z"), *TimeZone::find("Asia/Kolkata")),
            at("2024-01-01T03:30:00Z"));
  EXPECT_EQ(next_dates("@daily", "2024-01-01T00:00:00Z", 1, "Asia/Kolkata"), (Dates{"2024-01-02T00:00:00+05:30"}));
}

TEST(CronTimeZone, FixedOffsets) {
  EXPECT_EQ(next_dates("0 0 * * *", "2024-01-01T00:00:00Z", 1, "-03:00"), (Dates{"2024-01-01T00:00:00-03:00"}));
  EXPECT_EQ(next_dates("0 0 * * *", "2024-01-01T00:00:00Z", 1, "UTC+01:00"), (Dates{"2024-01-02T00:00:00+01:00"}));
  EXPECT_EQ(next_dates("0 0 * * *", "2024-01-01T00:00:00Z", 1, "+0530"), (Dates{"2024-01-02T00:00:00+05:30"}));
  EXPECT_EQ(next_dates("0 0 * * *", "2024-01-01T00:00:00Z", 1, "GMT-7"), (Dates{"2024-01-01T00:00:00-07:00"}));
  EXPECT_EQ(next_dates("0 0 * * *", "2024-01-01T00:00:00Z", 1, "Z"), (Dates{"2024-01-02T00:00:00Z"}));
}

TEST(CronTimeZone, UnknownZonesAreRefused) {
  for (std::string id : {"Mars/Olympus", "../../etc/passwd", "+19:00", "Europe", ""}) {
    try {
      TimeZone::find(id);
      ADD_FAILURE() << "accepted '" << id << "'";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "unknown time zone '" + id + "'");
    }
  }
}

TEST(CronTimeZone, ZonesAreSharedOnceLoaded) {
  EXPECT_EQ(TimeZone::find("Europe/Paris"), TimeZone::find("Europe/Paris"));
  EXPECT_EQ(TimeZone::find("Europe/Paris")->id(), "Europe/Paris");
}

TEST(CronSchedule, VariablesAreKestraDatesInTheTriggerZone) {
  TriggerDef trigger;
  trigger.id = "daily";
  trigger.type = std::string(kScheduleTriggerType);
  trigger.properties = {{"cron", "0 9 * * *"}, {"timezone", "Europe/Paris"}};
  auto schedule = ScheduleDefinition::of(trigger);
  EXPECT_EQ(schedule.variables(at("2024-03-31T07:00:00Z")),
            (Value{{"date", "2024-03-31T09:00:00+02:00"},
                   {"next", "2024-04-01T09:00:00+02:00"},
                   {"previous", "2024-03-30T09:00:00+01:00"}}));
  trigger.properties = {{"cron", "0 9 * * *"}};
  EXPECT_EQ(ScheduleDefinition::of(trigger).variables(at("2024-03-31T09:00:00Z")),
            (Value{{"date", "2024-03-31T09:00:00Z"}, {"next", "2024-04-01T09:00:00Z"}, {"previous", "2024-03-30T09:00:00Z"}}));
}

TEST(CronSchedule, ReadsItsProperties) {
  TriggerDef trigger;
  trigger.properties = {{"cron", "*/10 * * * * *"}, {"withSeconds", true}, {"recoverMissedSchedules", "LAST"},
                        {"lateMaximumDelay", "PT5M"}, {"inputs", {{"name", "{{ trigger.date }}"}}}};
  auto schedule = ScheduleDefinition::of(trigger);
  EXPECT_TRUE(schedule.cron.with_seconds());
  EXPECT_EQ(schedule.zone->id(), "UTC");
  EXPECT_EQ(schedule.recover, RecoverMissedSchedules::Last);
  EXPECT_EQ(schedule.late_maximum_delay, std::chrono::minutes(5));
  EXPECT_EQ(schedule.inputs, (Value{{"name", "{{ trigger.date }}"}}));

  trigger.properties = {{"cron", "0 0 * * *"}, {"timezone", "Nowhere/City"}};
  EXPECT_THROW(ScheduleDefinition::of(trigger), Error);
  trigger.properties = {{"cron", "0 0 * * *"}, {"lateMaximumDelay", "5 minutes"}};
  EXPECT_THROW(ScheduleDefinition::of(trigger), Error);
}

}  // namespace
}  // namespace runwatch
