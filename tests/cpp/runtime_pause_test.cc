// Pause: the execution is PAUSED until resumed (with onResume inputs) or until its
// pauseDuration ends (behavior RESUME, WARN, FAIL, CANCEL); a timeout fails it; a restart
// finds it where it was.
#include "engine_fixture.h"
#include "runwatch/model/error.h"
#include "runwatch/store/repository.h"
#include "store_test_support.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

constexpr const char* kApproval = R"(
id: approval
namespace: company.team
tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: asking
  - id: wait_for_approval
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        type: BOOLEAN
      - id: reason
        type: STRING
        defaults: no reason given
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.wait_for_approval.onResume.approved }} {{ outputs.wait_for_approval.onResume.reason }}"
)";

TEST_F(EngineTest, APausedExecutionWaitsForItsResumeAndItsInputs) {
  add(kApproval);
  auto e = start("approval");
  ASSERT_EQ(e->state.current(), S::PAUSED);
  EXPECT_EQ(run_of(*e, "wait_for_approval").state.current(), S::PAUSED);
  EXPECT_FALSE(ran(*e, "after"));
  advance(std::chrono::hours(24 * 30));
  ASSERT_EQ(latest(e)->state.current(), S::PAUSED);  // no duration: it waits for a resume

  try {
    engine.resume(e->id, {{"reason", "fine"}});
    FAIL() << "a required onResume input was missing";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "Missing required input 'approved' (BOOLEAN)");
  }
  engine.resume(e->id, {{"approved", true}});
  settle();
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(states(e->state.history()), (std::vector<S>{S::CREATED, S::RUNNING, S::PAUSED, S::RUNNING, S::SUCCESS}));
  const TaskRun& pause = run_of(*e, "wait_for_approval");
  EXPECT_EQ(states(pause.state.history()), (std::vector<S>{S::CREATED, S::RUNNING, S::PAUSED, S::RUNNING, S::SUCCESS}));
  EXPECT_EQ(pause.outputs, Value::parse(R"({"onResume": {"approved": true, "reason": "no reason given"}})"));
  EXPECT_EQ(run_of(*e, "after").outputs["value"], "true no reason given");
}

TEST_F(EngineTest, OnlyAPausedExecutionCanBeResumed) {
  add(kApproval);
  try {
    engine.resume("nope");
    FAIL();
  } catch (const NotFoundError& error) {
    EXPECT_STREQ(error.what(), "Execution 'nope' not found");
  }
  auto e = start("approval");
  engine.resume(e->id, {{"approved", false}});
  settle();
  try {
    engine.resume(e->id, {{"approved", false}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Conflict);
    EXPECT_EQ(std::string(error.what()), "Execution '" + e->id + "' is not paused: it is SUCCESS");
  }
}

constexpr const char* kResumer = R"(
id: resumer
namespace: company.ops
inputs:
  - id: target
    type: STRING
  - id: flow
    type: STRING
    defaults: approval
tasks:
  - id: resume
    type: io.kestra.plugin.core.execution.Resume
    executionId: "{{ inputs.target }}"
    namespace: company.team
    flowId: "{{ inputs.flow }}"
    inputs:
      approved: true
      reason: resumed by {{ flow.id }}
)";

TEST_F(EngineTest, TheResumeTaskResumesAnotherExecutionWithItsInputs) {
  add(kApproval);
  add(kResumer);
  auto paused = start("approval");
  ASSERT_EQ(paused->state.current(), S::PAUSED);
  auto created = engine.submit("company.ops", "resumer", {{"target", paused->id}});
  settle();
  EXPECT_EQ(engine.execution(created->id)->state.current(), S::SUCCESS);
  auto e = latest(paused);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "after").outputs["value"], "true resumed by resumer");
}

TEST_F(EngineTest, TheResumeTaskFailsSayingWhyWhenItCannotResume) {
  add(kApproval);
  add(kResumer);
  auto paused = start("approval");
  auto failure = [&](const Value& inputs) {
    auto created = engine.submit("company.ops", "resumer", inputs);
    settle();
    auto e = engine.execution(created->id);
    EXPECT_EQ(e->state.current(), S::FAILED);
    return messages(*e, LogLevel::ERROR);
  };
  EXPECT_EQ(failure({{"target", "nope"}}),
            (std::vector<std::string>{"resume: No execution found for execution id nope"}));
  EXPECT_EQ(
      failure({{"target", paused->id}, {"flow", "other"}}),
      (std::vector<std::string>{"resume: Execution " + paused->id + " is not an execution of company.team.other"}));
  EXPECT_EQ(latest(paused)->state.current(), S::PAUSED);
  engine.resume(paused->id, {{"approved", false}});
  settle();
  EXPECT_EQ(failure({{"target", paused->id}}),
            (std::vector<std::string>{"resume: Execution '" + paused->id + "' is not paused: it is SUCCESS"}));
}

TEST_F(EngineTest, TheResumeTaskResumesItsOwnExecutionByDefault) {
  add(R"(
id: self
namespace: company.team
tasks:
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: gate
        type: io.kestra.plugin.core.flow.Pause
      - id: opener
        type: io.kestra.plugin.core.flow.Sequential
        tasks:
          - id: work
            type: io.kestra.plugin.core.debug.Return
            format: done
          - id: open
            type: io.kestra.plugin.core.execution.Resume
)");
  auto e = start("self");
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(states(run_of(*e, "gate").state.history()),
            (std::vector<S>{S::CREATED, S::RUNNING, S::PAUSED, S::RUNNING, S::SUCCESS}));
}

TEST_F(EngineTest, TheResumeTasksTargetIsCheckedWhenTheFlowLoads) {
  auto problems = [&](const std::string& properties) {
    try {
      add("id: r\nnamespace: company.team\ntasks:\n  - id: resume\n    type: io.kestra.plugin.core.execution.Resume\n" +
          properties);
      return std::string();
    } catch (const FlowValidationError& error) {
      return error.issues().at(0).path + ": " + error.issues().at(0).message;
    }
  };
  EXPECT_EQ(problems("    executionId: abc\n    namespace: company.team\n"),
            "tasks[0]: Both `namespace` and `flowId` must be set when `executionId` is set.");
  EXPECT_EQ(problems("    flowId: approval\n"),
            "tasks[0]: `namespace` and `flowId` should only be set when `executionId` is set.");
  EXPECT_EQ(problems("    executionId: abc\n    namespace: company.team\n    flowId: approval\n"), "");
}

std::string timed_pause(const std::string& behavior) {
  return R"(
id: timed
namespace: company.team
tasks:
  - id: pause
    type: io.kestra.plugin.core.flow.Pause
    pauseDuration: PT5M
    behavior: )" +
         behavior + R"(
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: went on
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: alerting
)";
}

TEST_F(EngineTest, APauseDurationEndsByItsBehavior) {
  struct Case {
    std::string behavior;
    S pause, execution;
    std::vector<std::string> infos;
  };
  for (const auto& c : std::vector<Case>{{"RESUME", S::SUCCESS, S::SUCCESS, {"after: went on"}},
                                         {"WARN", S::WARNING, S::WARNING, {"after: went on"}},
                                         {"FAIL", S::FAILED, S::FAILED, {"alert: alerting"}},
                                         {"CANCEL", S::CANCELLED, S::CANCELLED, {}}}) {
    SCOPED_TRACE(c.behavior);
    add(timed_pause(c.behavior));
    auto e = start("timed");
    ASSERT_EQ(e->state.current(), S::PAUSED);
    advance(4min);
    ASSERT_EQ(latest(e)->state.current(), S::PAUSED);
    advance(1min);
    e = latest(e);
    EXPECT_EQ(e->state.current(), c.execution);
    EXPECT_EQ(run_of(*e, "pause").state.current(), c.pause);
    EXPECT_EQ(*run_of(*e, "pause").state.end_date(), e->state.start_date() + 5min);
    EXPECT_EQ(messages(*e, LogLevel::INFO), c.infos);
  }
}

TEST_F(EngineTest, AResumeBeforeThePauseDurationGoesOnWhateverTheBehavior) {
  add(timed_pause("FAIL"));
  auto e = start("timed");
  advance(1min);
  engine.resume(e->id);
  settle();
  advance(10min);
  e = latest(e);
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "pause").outputs, Value::parse(R"({"onResume": {}})"));
}

TEST_F(EngineTest, APauseTimeoutFailsIt) {
  add(R"(
id: bounded
namespace: company.team
tasks:
  - id: pause
    type: io.kestra.plugin.core.flow.Pause
    timeout: PT1H
)");
  auto e = start("bounded");
  advance(59min);
  ASSERT_EQ(latest(e)->state.current(), S::PAUSED);
  advance(1min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"pause: Timeout after PT1H"}));
}

TEST_F(EngineTest, APausedExecutionCanBeKilled) {
  add(kApproval);
  auto e = start("approval");
  ASSERT_TRUE(engine.kill(e->id));
  settle();
  e = latest(e);
  EXPECT_EQ(e->state.current(), S::KILLED);
  EXPECT_EQ(run_of(*e, "wait_for_approval").state.current(), S::KILLED);
}

TEST_F(EngineTest, FlowTriggersSeeAPausedExecution) {
  add(kApproval);
  add(R"(
id: on_pause
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.executionId }} is {{ trigger.state }}"
triggers:
  - id: paused
    type: io.kestra.plugin.core.trigger.Flow
    states: [PAUSED]  # by default only terminal states, as Kestra 1.x
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [PAUSED]
)");
  auto e = start("approval");
  settle();
  auto alerts = engine.executions({.ns = "company.monitoring", .flow_id = "on_pause", .state = std::nullopt});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(messages(*alerts[0], LogLevel::INFO), (std::vector<std::string>{"log: " + e->id + " is PAUSED"}));
}

class PauseRestartTest : public ::testing::Test {
 protected:
  TempFolder folder;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(test_epoch());

  std::unique_ptr<Engine> open() {
    EngineOptions o;
    o.clock = clock;
    o.repository = store::open_repository("sqlite", folder / "runwatch.db");
    auto engine = std::make_unique<Engine>(std::move(o));
    engine->add_flow(kApproval, "approval.yaml");
    engine->add_flow(timed_pause("RESUME"), "timed.yaml");
    engine->add_flow(R"(
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [a, b, c]
    tasks:
      - id: pause
        type: io.kestra.plugin.core.flow.Pause
        pauseDuration: PT1M
      - id: show
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
)",
                     "loop.yaml");
    return engine;
  }
};

TEST_F(PauseRestartTest, APausedExecutionIsStillPausedAfterARestartAndResumes) {
  std::string id;
  {
    auto engine = open();
    id = engine->submit("company.team", "approval", Value::object())->id;
    ASSERT_TRUE(engine->wait_idle(20s));
    ASSERT_EQ(engine->execution(id)->state.current(), S::PAUSED);
    engine->stop();
  }
  auto engine = open();
  EXPECT_EQ(engine->recovered(), 1u);
  ASSERT_TRUE(engine->wait_idle(20s));
  ASSERT_EQ(engine->execution(id)->state.current(), S::PAUSED);
  engine->resume(id, {{"approved", true}});
  ASSERT_TRUE(engine->wait_idle(20s));
  auto e = engine->execution(id);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(EngineTest::run_of(*e, "after").outputs["value"], "true no reason given");
}

TEST_F(PauseRestartTest, APauseDurationAndALoopGoOnAfterARestartFromWhereTheyWere) {
  std::string timed, loop;
  {
    auto engine = open();
    timed = engine->submit("company.team", "timed", Value::object())->id;
    loop = engine->submit("company.team", "loop", Value::object())->id;
    ASSERT_TRUE(engine->wait_idle(20s));
    clock->advance(1min);  // the loop's first value ends, its second pauses
    ASSERT_TRUE(engine->wait_idle(20s));
    engine->stop();
  }
  clock->advance(2min);  // while the engine was down
  auto engine = open();
  EXPECT_EQ(engine->recovered(), 2u);
  ASSERT_TRUE(engine->wait_idle(20s));
  // The loop's second pause ended while the engine was down: its third value is paused.
  auto e = engine->execution(loop);
  ASSERT_EQ(e->state.current(), S::PAUSED);
  std::vector<std::string> shown;
  for (const auto& run : e->task_runs)
    if (run.task_id == "show") shown.push_back(run.outputs.value("value", ""));
  EXPECT_EQ(shown, (std::vector<std::string>{"a", "b"}));
  clock->advance(1min);
  ASSERT_TRUE(engine->wait_idle(20s));
  EXPECT_EQ(engine->execution(loop)->state.current(), S::SUCCESS);
  ASSERT_EQ(engine->execution(timed)->state.current(), S::PAUSED);
  clock->advance(1min);  // five minutes after it paused
  ASSERT_TRUE(engine->wait_idle(20s));
  auto t = engine->execution(timed);
  EXPECT_EQ(t->state.current(), S::SUCCESS);
  EXPECT_EQ(*EngineTest::run_of(*t, "pause").state.end_date(), test_epoch() + 5min);
}

}  // namespace
}  // namespace runwatch::testing
