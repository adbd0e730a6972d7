// The model's shared mechanisms: ISO-8601 durations and instants as Java writes them,
// Kestra's states, the manual clock and cancellation.
#include <gtest/gtest.h>

#include <limits>

#include <thread>

#include "runwatch/model/clock.h"
#include "runwatch/model/error.h"
#include "runwatch/model/state.h"
#include "runwatch/model/time.h"
#include "runwatch/tasks/secrets.h"

namespace runwatch {
namespace {

using namespace std::chrono_literals;

TEST(ModelDuration, ParsesIsoDurationsAsJavaDoes) {
  EXPECT_EQ(parse_duration("PT1H30M"), Duration(90min));
  EXPECT_EQ(parse_duration("PT0.25s"), Duration(250ms));
  EXPECT_EQ(parse_duration("P1DT2H"), Duration(26h));
  EXPECT_EQ(parse_duration("p2w"), Duration(14 * 24h));
  EXPECT_EQ(parse_duration("-PT5S"), Duration(-5s));
  EXPECT_EQ(parse_duration("PT1,5S"), Duration(1500ms));
  for (const char* bad : {"", "P", "PT", "5S", "PT5", "P1H", "PT1D", "PT1.2.3S", "PTxS", "PT1S2"})
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
}

TEST(ModelDuration, FormatsLikeJavaDurationToString) {
  EXPECT_EQ(format_duration(0s), "PT0S");
  EXPECT_EQ(format_duration(90s), "PT1M30S");
  EXPECT_EQ(format_duration(26h), "PT26H");
  EXPECT_EQ(format_duration(250ms), "PT0.25S");
  EXPECT_EQ(format_duration(-5s), "-PT5S");
  EXPECT_EQ(format_duration(1h + 1us), "PT1H0.000001S");
}

TEST(ModelInstant, FormatsLikeJavaInstantToString) {
  TimePoint t(std::chrono::seconds(1'706'695'200));  // 2024-01-31T10:00:00Z
  EXPECT_EQ(format_instant(t), "2024-01-31T10:00:00Z");
  EXPECT_EQ(format_instant(t + 250ms), "2024-01-31T10:00:00.250Z");
  EXPECT_EQ(format_instant(t + 1us), "2024-01-31T10:00:00.000001Z");
  EXPECT_EQ(format_instant(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_instant(TimePoint{} - 1s), "1969-12-31T23:59:59Z");
}

TEST(ModelInstant, ParsesZonedDateTimes) {
  TimePoint t(std::chrono::seconds(1'706'695'200));
  EXPECT_EQ(parse_instant("2024-01-31T10:00:00Z"), t);
  EXPECT_EQ(parse_instant("2024-01-31T12:00:00+02:00"), t);
  EXPECT_EQ(parse_instant("2024-01-31T10:00Z"), t);
  EXPECT_EQ(parse_instant("2024-01-31T10:00:00.250Z"), t + 250ms);
  for (const char* bad : {"2024-01-31", "2024-01-31T10:00:00", "2024-02-30T10:00:00Z", "2024-01-31T25:00:00Z",
                          "2024-01-31T10:00:00+2", "2024-01-31T10:00:00Zjunk"})
    EXPECT_EQ(parse_instant(bad), std::nullopt) << bad;
}

// TimePoint holds nanoseconds in 64 bits: instants are kept a day inside its ends, and
// what would leave them is refused, never wrapped around.
TEST(ModelInstant, InstantsOutsideTheSupportedRangeAreRefused) {
  EXPECT_EQ(parse_instant("2262-04-10T23:59:59.999999Z"), kLatestInstant - 999ns);
  EXPECT_EQ(parse_instant("2262-04-11T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_instant("1677-09-22T00:00:00Z"), kEarliestInstant);
  EXPECT_EQ(parse_instant("1677-09-22T00:00:00+00:01"), std::nullopt);
  EXPECT_EQ(parse_instant("5858-01-02T03:04:05Z"), std::nullopt);
  auto far = parse_instant_parts("5858-01-02T03:04:05.5Z");
  ASSERT_TRUE(far);
  EXPECT_EQ(far->seconds.time_since_epoch().count(), 122'693'540'645);
  EXPECT_EQ(far->fraction, 500ms);
  EXPECT_EQ(instant_at(std::chrono::sys_seconds(9'223'372'036s)), std::nullopt);
  EXPECT_EQ(instant_at(std::chrono::sys_seconds(60s), 5ns), TimePoint(60'000'000'005ns));
  EXPECT_EQ(instant_after(TimePoint{}, 1h, 2), TimePoint(2h));
  EXPECT_EQ(instant_after(TimePoint{}, 1ns, std::numeric_limits<long long>::max()), std::nullopt);
  EXPECT_EQ(instant_after(TimePoint{}, 1h, std::numeric_limits<long long>::min()), std::nullopt);
  EXPECT_EQ(instant_after(kLatestInstant, 1ns, 1), std::nullopt);
}

TEST(ModelState, NamesAndTerminalStatesAreKestras) {
  EXPECT_EQ(to_string(State::WARNING), "WARNING");
  EXPECT_EQ(parse_state("KILLED"), State::KILLED);
  EXPECT_EQ(parse_state("killed"), std::nullopt);
  std::vector<std::string_view> terminal;
  for (State s : all_states())
    if (is_terminal(s)) terminal.push_back(to_string(s));
  EXPECT_EQ(terminal, (std::vector<std::string_view>{"RETRIED", "SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED",
                                                     "SKIPPED"}));
}

TEST(ModelClock, AManualClockWakesSleepersOnlyWhenItReachesTheirDeadline) {
  ManualClock clock(TimePoint(std::chrono::seconds(1000)));
  bool slept = false;
  std::thread sleeper([&] { slept = clock.sleep_until(clock.now() + 10s); });
  while (clock.parked_sleepers() == 0) std::this_thread::yield();
  clock.advance(9s);
  EXPECT_EQ(clock.parked_sleepers(), 1);
  clock.advance(1s);
  sleeper.join();
  EXPECT_TRUE(slept);
  EXPECT_EQ(clock.parked_sleepers(), 0);
  clock.set(TimePoint(std::chrono::seconds(5)));  // never backwards
  EXPECT_EQ(clock.now(), TimePoint(std::chrono::seconds(1010)));
}

TEST(ModelClock, CancellingWakesASleeperAndKeepsTheFirstReason) {
  ManualClock clock(TimePoint{});
  Cancellation cancellation;
  bool slept = true;
  std::thread sleeper([&] { slept = clock.sleep_until(clock.now() + 1h, &cancellation); });
  while (clock.parked_sleepers() == 0) std::this_thread::yield();
  cancellation.cancel("Execution killed");
  cancellation.cancel("Engine stopped");
  sleeper.join();
  EXPECT_FALSE(slept);
  EXPECT_EQ(cancellation.reason(), "Execution killed");
}

TEST(ModelSecrets, MaskingReplacesEveryOccurrenceInTextAndValues) {
  std::vector<std::string> secrets{"s3cr3t", "hook.example/T0"};
  EXPECT_EQ(mask_secrets(std::string("pw=s3cr3t; again s3cr3t"), secrets), "pw=******; again ******");
  EXPECT_EQ(mask_secrets(Value::parse(R"({"url": "https://hook.example/T0/x", "n": 1})"), secrets),
            Value::parse(R"({"url": "https://******/x", "n": 1})"));
  EXPECT_EQ(mask_secrets(std::string("nothing here"), {""}), "nothing here");
}

TEST(ModelSecrets, MissingAndInvalidSecretsAreClearErrors) {
  SecretStore store(std::map<std::string, std::string>{{"GIVEN", "value"}});
  EXPECT_EQ(store.get("GIVEN"), "value");
  EXPECT_THROW(
      {
        try {
          store.get("ABSENT_SECRET_FOR_TEST");
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(), "Cannot find secret for key 'ABSENT_SECRET_FOR_TEST'.");
          throw;
        }
      },
      Error);
  ::setenv("SECRET_NOT_BASE64", "%%%", 1);
  EXPECT_THROW(store.get("NOT_BASE64"), Error);
  ::unsetenv("SECRET_NOT_BASE64");
}

}  // namespace
}  // namespace runwatch
