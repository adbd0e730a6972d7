// The scheduler end to end: Schedule triggers of loaded flows fire on the engine's manual
// clock, once per date, with Kestra's trigger variables.
#include <chrono>

#include "engine_fixture.h"

namespace runwatch::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Texts = std::vector<std::string>;

TimePoint at(const std::string& iso) { return *parse_instant(iso); }

// A flow whose only task returns `format`, with one Schedule trigger given as YAML lines.
std::string scheduled_flow(const std::string& id, const std::string& trigger,
                           const std::string& format = "{{ trigger.date }}", const std::string& extra = "") {
  return "id: " + id + "\nnamespace: company.team\n" + extra +
         "tasks:\n"
         "  - id: date\n"
         "    type: io.kestra.plugin.core.debug.Return\n"
         "    format: \"" + format + "\"\n"
         "triggers:\n"
         "  - id: schedule\n"
         "    type: io.kestra.plugin.core.trigger.Schedule\n" + trigger;
}

const std::string kEveryMinute = "    cron: \"* * * * *\"\n";

class SchedulerTest : public EngineTest {
 protected:
  void SetUp() override { clock->set(at("2024-01-01T00:00:00Z")); }

  // What the Return task of each execution of the flow returned, in submission order.
  Texts returned(const std::string& flow_id) {
    Texts out;
    for (const auto& e : engine.executions({std::nullopt, flow_id, std::nullopt})) {
      EXPECT_EQ(e->state.current(), State::SUCCESS) << flow_id;
      out.push_back(run_of(*e, "date").outputs["value"].get<std::string>());
    }
    return out;
  }

  std::vector<ScheduledTrigger> schedules() { return engine.schedules(); }
  std::optional<TimePoint> next_date() { return schedules().at(0).next_date; }
  std::optional<TimePoint> last_date() { return schedules().at(0).last_date; }
};

TEST_F(SchedulerTest, FiresOncePerMinuteAsTheClockAdvances) {
  add(scheduled_flow("every_minute", kEveryMinute));
  auto listed = schedules();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].ns, "company.team");
  EXPECT_EQ(listed[0].flow_id, "every_minute");
  EXPECT_EQ(listed[0].trigger_id, "schedule");
  EXPECT_EQ(listed[0].next_date, at("2024-01-01T00:01:00Z"));
  EXPECT_EQ(listed[0].last_date, std::nullopt);
  EXPECT_EQ(listed[0].error, "");

  advance(minutes(1));
  EXPECT_EQ(returned("every_minute"), Texts{"2024-01-01T00:01:00Z"});
  advance(minutes(1));
  advance(minutes(1));
  EXPECT_EQ(returned("every_minute"), (Texts{"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:03:00Z"}));
  EXPECT_EQ(next_date(), at("2024-01-01T00:04:00Z"));
  EXPECT_EQ(last_date(), at("2024-01-01T00:03:00Z"));
}

TEST_F(SchedulerTest, FiresEachMissedDateInOrderWhenTheClockJumps) {
  add(scheduled_flow("every_minute", kEveryMinute));
  advance(minutes(5));
  EXPECT_EQ(returned("every_minute"), (Texts{"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:03:00Z",
                                            "2024-01-01T00:04:00Z", "2024-01-01T00:05:00Z"}));
  EXPECT_EQ(next_date(), at("2024-01-01T00:06:00Z"));
}

TEST_F(SchedulerTest, NeverFiresTwiceForADate) {
  add(scheduled_flow("every_minute", kEveryMinute));
  advance(seconds(30));
  EXPECT_EQ(returned("every_minute"), Texts{});
  advance(seconds(30));
  advance(seconds(0));
  advance(seconds(29));
  add(scheduled_flow("other", "    cron: \"0 * * * *\"\n"));  // the schedules are read again
  settle();
  EXPECT_EQ(returned("every_minute"), Texts{"2024-01-01T00:01:00Z"});
  advance(seconds(31));
  EXPECT_EQ(returned("every_minute"), (Texts{"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z"}));
}

TEST_F(SchedulerTest, WaitIdleWaitsForADueDateToRun) {
  add(scheduled_flow("every_minute", kEveryMinute));
  clock->advance(minutes(1));
  ASSERT_TRUE(engine.wait_idle(std::chrono::seconds(20)));
  auto executions = engine.executions();
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0]->state.current(), State::SUCCESS);
}

TEST_F(SchedulerTest, ExecutionsSeeTheTriggerDates) {
  add(scheduled_flow("dates", kEveryMinute, "{{ trigger.date }} {{ trigger.next }} {{ trigger.previous }}"));
  advance(minutes(1));
  EXPECT_EQ(returned("dates"), Texts{"2024-01-01T00:01:00Z 2024-01-01T00:02:00Z 2024-01-01T00:00:00Z"});
  EXPECT_EQ(engine.executions()[0]->trigger, (Value{{"date", "2024-01-01T00:01:00Z"},
                                                   {"next", "2024-01-01T00:02:00Z"},
                                                   {"previous", "2024-01-01T00:00:00Z"}}));
}

TEST_F(SchedulerTest, DatesAreInTheTriggerTimeZone) {
  clock->set(at("2024-01-01T03:00:00Z"));
  add(scheduled_flow("kolkata", "    cron: \"0 9 * * *\"\n    timezone: Asia/Kolkata\n"));
  EXPECT_EQ(next_date(), at("2024-01-01T03:30:00Z"));
  advance(minutes(30));
  EXPECT_EQ(returned("kolkata"), Texts{"2024-01-01T09:00:00+05:30"});
}

TEST_F(SchedulerTest, RunsAcrossMidnightAndAMonthEnd) {
  clock->set(at("2024-01-31T23:58:00Z"));
  add(scheduled_flow("every_minute", kEveryMinute));
  add(scheduled_flow("monthly", "    cron: \"@monthly\"\n", "{{ trigger.date }} {{ trigger.next }} {{ trigger.previous }}"));
  advance(minutes(1));
  advance(minutes(1));
  advance(minutes(1));
  EXPECT_EQ(returned("every_minute"), (Texts{"2024-01-31T23:59:00Z", "2024-02-01T00:00:00Z", "2024-02-01T00:01:00Z"}));
  EXPECT_EQ(returned("monthly"), Texts{"2024-02-01T00:00:00Z 2024-03-01T00:00:00Z 2024-01-01T00:00:00Z"});
}

TEST_F(SchedulerTest, DisabledTriggersAndFlowsNeverFire) {
  add(scheduled_flow("trigger_off", kEveryMinute + "    disabled: true\n"));
  add(scheduled_flow("flow_off", kEveryMinute, "{{ trigger.date }}", "disabled: true\n"));
  EXPECT_TRUE(schedules().empty());
  advance(minutes(3));
  EXPECT_TRUE(engine.executions().empty());
}

TEST_F(SchedulerTest, RemovingAFlowDropsItsSchedule) {
  add(scheduled_flow("every_minute", kEveryMinute));
  advance(minutes(1));
  EXPECT_TRUE(engine.remove_flow("company.team", "every_minute"));
  EXPECT_FALSE(engine.remove_flow("company.team", "every_minute"));
  EXPECT_TRUE(schedules().empty());
  advance(minutes(5));
  EXPECT_EQ(engine.executions().size(), 1u);
}

TEST_F(SchedulerTest, ReplacingAFlowKeepsTheScheduleOfAnUnchangedTrigger) {
  add(scheduled_flow("every_minute", kEveryMinute));
  advance(minutes(1));
  advance(seconds(30));
  add(scheduled_flow("every_minute", kEveryMinute, "v2 {{ trigger.date }}"));
  EXPECT_EQ(next_date(), at("2024-01-01T00:02:00Z"));
  EXPECT_EQ(last_date(), at("2024-01-01T00:01:00Z"));
  advance(seconds(30));
  EXPECT_EQ(returned("every_minute"), (Texts{"2024-01-01T00:01:00Z", "v2 2024-01-01T00:02:00Z"}));
  EXPECT_EQ(engine.executions()[1]->flow_revision, 2);
}

TEST_F(SchedulerTest, ReplacingATriggerCronStartsItAfreshFromNow) {
  add(scheduled_flow("every_minute", kEveryMinute));
  advance(minutes(2));
  advance(seconds(30));
  add(scheduled_flow("every_minute", "    cron: \"*/5 * * * *\"\n"));
  EXPECT_EQ(next_date(), at("2024-01-01T00:05:00Z"));
  EXPECT_EQ(last_date(), std::nullopt);
  advance(minutes(3));
  EXPECT_EQ(returned("every_minute"), (Texts{"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:05:00Z"}));
}

TEST_F(SchedulerTest, RecoverLastFiresOnlyTheLatestMissedDate) {
  add(scheduled_flow("last", kEveryMinute + "    recoverMissedSchedules: LAST\n"));
  advance(minutes(5));
  EXPECT_EQ(returned("last"), Texts{"2024-01-01T00:05:00Z"});
  advance(minutes(1));
  EXPECT_EQ(returned("last"), (Texts{"2024-01-01T00:05:00Z", "2024-01-01T00:06:00Z"}));
}

TEST_F(SchedulerTest, RecoverNoneSkipsMissedDates) {
  add(scheduled_flow("none", kEveryMinute + "    recoverMissedSchedules: NONE\n"));
  advance(minutes(5));
  EXPECT_EQ(returned("none"), Texts{});
  EXPECT_EQ(next_date(), at("2024-01-01T00:06:00Z"));
  advance(minutes(1));
  EXPECT_EQ(returned("none"), Texts{"2024-01-01T00:06:00Z"});
}

TEST_F(SchedulerTest, LateMaximumDelaySkipsDatesTooLate) {
  add(scheduled_flow("late", kEveryMinute + "    lateMaximumDelay: PT2M\n"));
  advance(minutes(5));
  EXPECT_EQ(returned("late"), (Texts{"2024-01-01T00:03:00Z", "2024-01-01T00:04:00Z", "2024-01-01T00:05:00Z"}));
}

TEST_F(SchedulerTest, DatesFailingTheConditionsAreSkipped) {
  clock->set(at("2024-01-05T00:00:00Z"));  // a Friday
  add(scheduled_flow("weekends",
                     "    cron: \"0 9 * * *\"\n"
                     "    conditions:\n"
                     "      - type: io.kestra.plugin.core.condition.Weekend\n"
                     "      - type: io.kestra.plugin.core.condition.ExecutionStatus\n"  // not a schedule condition: ignored
                     "        in: [FAILED]\n",
                     "{{ trigger.date }} {{ trigger.next }} {{ trigger.previous }}"));
  for (int day = 0; day < 4; ++day) advance(std::chrono::hours(24));
  EXPECT_EQ(returned("weekends"), (Texts{"2024-01-06T09:00:00Z 2024-01-07T09:00:00Z 2023-12-31T09:00:00Z",
                                        "2024-01-07T09:00:00Z 2024-01-13T09:00:00Z 2024-01-06T09:00:00Z"}));
  EXPECT_EQ(schedules().at(0).error, "");
  EXPECT_EQ(engine.scheduler_stats().triggers.at(0).evaluations, 4u);
}

TEST_F(SchedulerTest, DateConditionsTakeTheDayInTheScheduleTimeZone) {
  clock->set(at("2024-01-01T00:00:00Z"));  // a Monday
  add(scheduled_flow("friday_evenings",
                     "    cron: \"0 23 * * *\"\n"
                     "    timezone: America/New_York\n"
                     "    conditions:\n"
                     "      - type: io.kestra.plugin.core.condition.DayWeek\n"
                     "        dayOfWeek: FRIDAY\n"));
  for (int day = 0; day < 7; ++day) advance(std::chrono::hours(24));
  // 23:00 on Friday in New York is 04:00 on Saturday in UTC.
  EXPECT_EQ(returned("friday_evenings"), Texts{"2024-01-05T23:00:00-05:00"});
}

TEST_F(SchedulerTest, InputsAreRenderedWithTheTriggerDates) {
  add(scheduled_flow("with_inputs", kEveryMinute + "    inputs:\n      when: \"{{ trigger.date }} in {{ flow.id }}\"\n",
                     "{{ inputs.when }}", "inputs:\n  - id: when\n    type: STRING\n"));
  advance(minutes(1));
  EXPECT_EQ(returned("with_inputs"), Texts{"2024-01-01T00:01:00Z in with_inputs"});
}

TEST_F(SchedulerTest, ADateThatCannotStartAnExecutionIsReported) {
  add(scheduled_flow("missing_input", kEveryMinute, "{{ inputs.when }}", "inputs:\n  - id: when\n    type: STRING\n"));
  advance(minutes(1));
  EXPECT_TRUE(engine.executions().empty());
  auto listed = schedules();
  EXPECT_EQ(listed[0].last_date, std::nullopt);
  EXPECT_EQ(listed[0].next_date, at("2024-01-01T00:02:00Z"));
  EXPECT_EQ(listed[0].error.rfind("the date 2024-01-01T00:01:00Z started no execution: ", 0), 0u) << listed[0].error;
}

TEST_F(SchedulerTest, ABadCronOrTimeZoneIsALoadError) {
  auto load_error = [&](const std::string& trigger) {
    try {
      add(scheduled_flow("bad", trigger));
    } catch (const FlowValidationError& e) {
      return e.issues().at(0).to_string();
    }
    return std::string("loaded");
  };
  EXPECT_EQ(load_error("    cron: \"0 25 * * *\"\n"),
            "test.yaml:10:11: error: triggers[0].cron: invalid cron expression '0 25 * * *': hour 25 is out of range 0-23");
  EXPECT_EQ(load_error("    cron: \"0 * * * *\"\n    timezone: Mars/Olympus\n"),
            "test.yaml:11:15: error: triggers[0].timezone: unknown time zone 'Mars/Olympus'");
  EXPECT_EQ(load_error("    cron: \"0 0 * * * *\"\n"),
            "test.yaml:10:11: error: triggers[0].cron: invalid cron expression '0 0 * * * *': expected 5 fields (minute hour day-of-month month day-of-week) but found 6");
  EXPECT_TRUE(engine.schedules().empty());
}

TEST_F(SchedulerTest, CountsItsWork) {
  add(scheduled_flow("every_minute", kEveryMinute));
  advance(minutes(1));
  advance(minutes(2));
  auto stats = engine.scheduler_stats();
  EXPECT_EQ(stats.loops, 2u);
  ASSERT_EQ(stats.triggers.size(), 1u);
  const auto& counted = stats.triggers[0];
  EXPECT_EQ(counted.ns, "company.team");
  EXPECT_EQ(counted.flow_id, "every_minute");
  EXPECT_EQ(counted.trigger_id, "schedule");
  EXPECT_EQ(counted.evaluations, 3u);
  EXPECT_EQ(counted.executions, 3u);
  EXPECT_EQ(counted.trigger_delay, minutes(1));  // the date 00:02 ran at 00:03
  EXPECT_GT(counted.evaluate_duration.count(), 0);
}

}  // namespace
}  // namespace runwatch::testing
