// A flow's `retry` (Kestra's order: the task's own retry, else its nearest parent task's,
// else the flow's) and behavior CREATE_NEW_EXECUTION, which ends the execution RETRIED and
// starts the next attempt as a new execution at the retry date.
#include "engine_fixture.h"
#include "runwatch/store/repository.h"
#include "store_test_support.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

std::vector<Engine::Snapshot> executions_of(const Engine& engine, const std::string& flow_id) {
  auto all = engine.executions({.ns = "company.team", .flow_id = flow_id, .state = std::nullopt});
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a->attempt_number < b->attempt_number; });
  return all;
}

TEST_F(EngineTest, AFlowRetryTriesTheFailedTaskAgainInTheSameExecution) {
  add(R"(
id: flaky
namespace: company.team
retry:
  behavior: RETRY_FAILED_TASK
  type: constant
  maxAttempt: 4
  interval: PT1S
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
)");
  auto e = start("flaky");
  EXPECT_EQ(e->state.current(), S::RUNNING);
  advance(1s);
  advance(1s);
  advance(1s);
  auto done = latest(e);
  EXPECT_EQ(done->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*done, "fail").attempts.size(), 4u);
  EXPECT_EQ(executions_of(engine, "flaky").size(), 1u);
}

TEST_F(EngineTest, AFlowRetryStopsWhenTheNextAttemptWouldPassItsMaxDuration) {
  add(R"(
id: flaky
namespace: company.team
retry:
  type: constant
  maxDuration: PT5S
  interval: PT2S
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
)");
  auto e = start("flaky");
  advance(2s);
  advance(2s);
  auto done = latest(e);
  EXPECT_EQ(done->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*done, "fail").attempts.size(), 3u);
}

TEST_F(EngineTest, ATasksOwnRetryWinsOverItsParentsAndAParentsOverTheFlows) {
  add(R"(
id: layered
namespace: company.team
retry:
  type: constant
  maxAttempt: 5
  interval: PT1S
tasks:
  - id: group
    type: io.kestra.plugin.core.flow.Sequential
    retry:
      type: constant
      maxAttempt: 3
      interval: PT1S
    tasks:
      - id: by_parent
        type: io.kestra.plugin.core.execution.Fail
  - id: own
    type: io.kestra.plugin.core.execution.Fail
    allowFailure: true
    retry:
      type: constant
      maxAttempt: 2
      interval: PT1S
errors:
  - id: by_flow
    type: io.kestra.plugin.core.execution.Fail
)");
  auto e = start("layered");
  for (int i = 0; i < 10; ++i) advance(1s);
  auto done = latest(e);
  EXPECT_EQ(done->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*done, "by_parent").attempts.size(), 3u);
  EXPECT_FALSE(ran(*done, "own"));
  EXPECT_EQ(run_of(*done, "by_flow").attempts.size(), 5u);
}

TEST_F(EngineTest, AWarningOnRetryOfTheFlowTurnsALateSuccessIntoAWarning) {
  add(R"(
id: late
namespace: company.team
retry:
  type: constant
  maxAttempt: 3
  interval: PT1S
  warningOnRetry: true
tasks:
  - id: second_time
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ taskrun.attemptsCount == 0 }}"
)");
  auto e = start("late");
  advance(1s);
  auto done = latest(e);
  EXPECT_EQ(run_of(*done, "second_time").attempts.size(), 2u);
  EXPECT_EQ(run_of(*done, "second_time").state.current(), S::WARNING);
  EXPECT_EQ(done->state.current(), S::WARNING);
}

constexpr const char* kNewExecution = R"(
id: redo
namespace: company.team
labels:
  team: data
inputs:
  - id: day
    type: STRING
retry:
  behavior: CREATE_NEW_EXECUTION
  type: constant
  maxAttempt: 3
  interval: PT1S
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "{{ inputs.day }} is not ready"
)";

TEST_F(EngineTest, CreateNewExecutionEndsTheExecutionRetriedAndStartsTheNextAttemptAtTheRetryDate) {
  add(kNewExecution);
  auto first = start("redo", {{"day", "2026-12-06"}});
  EXPECT_EQ(first->state.current(), S::RETRIED);
  EXPECT_EQ(run_of(*first, "fail").state.current(), S::RETRIED);
  EXPECT_EQ(first->attempt_number, 1);

  auto attempts = executions_of(engine, "redo");
  ASSERT_EQ(attempts.size(), 2u);
  const auto& second = attempts[1];
  EXPECT_EQ(second->state.current(), S::CREATED);
  EXPECT_EQ(second->attempt_number, 2);
  EXPECT_EQ(second->original_id, first->id);
  EXPECT_EQ(second->original_created, first->state.start_date());
  EXPECT_EQ(second->schedule_date, clock->now() + 1s);
  EXPECT_EQ(second->inputs, Value::parse(R"({"day": "2026-12-06"})"));
  EXPECT_EQ(second->labels, first->labels);
  EXPECT_EQ(messages(*first, LogLevel::WARN),
            (std::vector<std::string>{"fail: Retried as execution " + second->id +
                                      " (attempt 2), starting at 2023-11-14T22:13:21Z"}));

  advance(999ms);
  EXPECT_EQ(latest(second)->state.current(), S::CREATED);
  advance(1ms);
  EXPECT_EQ(latest(second)->state.current(), S::RETRIED);
  advance(1s);
  attempts = executions_of(engine, "redo");
  ASSERT_EQ(attempts.size(), 3u);
  std::vector<S> ends;
  for (const auto& a : attempts) ends.push_back(a->state.current());
  EXPECT_EQ(ends, (std::vector<S>{S::RETRIED, S::RETRIED, S::FAILED}));
  EXPECT_EQ(attempts[2]->original_id, first->id);
  EXPECT_EQ(messages(*attempts[2], LogLevel::ERROR), (std::vector<std::string>{"fail: 2026-12-06 is not ready"}));
}

TEST_F(EngineTest, ATaskRetryWithCreateNewExecutionCountsTheExecutionsAttempts) {
  add(R"(
id: redo_task
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    retry:
      behavior: CREATE_NEW_EXECUTION
      type: constant
      maxAttempt: 2
      interval: PT10S
)");
  start("redo_task");
  advance(10s);
  auto attempts = executions_of(engine, "redo_task");
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0]->state.current(), S::RETRIED);
  EXPECT_EQ(attempts[1]->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*attempts[1], "fail").attempts.size(), 1u);
}

TEST_F(EngineTest, ASubflowWaitsForTheAttemptThatEndsItsRetriedChild) {
  add(R"(
id: flaky_child
namespace: company.team
retry:
  behavior: CREATE_NEW_EXECUTION
  type: constant
  maxAttempt: 2
  interval: PT1M
tasks:
  - id: first_time_only
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ execution.id == execution.originalId }}"
outputs:
  - id: attempt_of
    type: STRING
    value: "{{ execution.originalId }}"
)");
  add(R"(
id: caller
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: flaky_child
)");
  auto parent = start("caller");
  EXPECT_EQ(parent->state.current(), S::RUNNING);
  auto children = executions_of(engine, "flaky_child");
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0]->state.current(), S::RETRIED);
  EXPECT_EQ(run_of(*latest(parent), "call").outputs["executionId"], children[1]->id);
  advance(std::chrono::minutes(1));
  auto done = latest(parent);
  ASSERT_EQ(done->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*done, "call").outputs["state"], "SUCCESS");
  EXPECT_EQ(run_of(*done, "call").outputs["outputs"], Value::parse(R"({"attempt_of": ")" + children[0]->id + R"("})"));
}

TEST(FlowRetryRestartTest, AnAttemptWaitingForItsRetryDateStartsAfterARestart) {
  TempFolder folder;
  auto clock = std::make_shared<ManualClock>(test_epoch());
  auto open = [&] {
    EngineOptions o;
    o.clock = clock;
    o.repository = store::open_repository("sqlite", folder / "runwatch.db");
    auto engine = std::make_unique<Engine>(std::move(o));
    engine->add_flow(kNewExecution, "redo.yaml");
    return engine;
  };
  std::string first;
  {
    auto engine = open();
    first = engine->submit("company.team", "redo", {{"day", "monday"}})->id;
    ASSERT_TRUE(engine->wait_idle(20s));
    engine->stop();
  }
  clock->advance(5s);  // the second attempt's date passed while the engine was down
  auto engine = open();
  ASSERT_TRUE(engine->wait_idle(20s));
  auto attempts = executions_of(*engine, "redo");
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0]->id, first);
  EXPECT_EQ(attempts[1]->state.current(), S::RETRIED);
  EXPECT_EQ(attempts[2]->state.current(), S::CREATED);
  EXPECT_EQ(attempts[2]->attempt_number, 3);
  EXPECT_EQ(attempts[2]->schedule_date, clock->now() + 1s);
  clock->advance(1s);
  ASSERT_TRUE(engine->wait_idle(20s));
  EXPECT_EQ(engine->execution(attempts[2]->id)->state.current(), S::FAILED);
}

}  // namespace
}  // namespace runwatch::testing
