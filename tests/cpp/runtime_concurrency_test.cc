// Flow concurrency as Kestra's: at most `limit` executions of a flow run at once; one
// more is QUEUED (and starts, oldest first, when a slot frees), CANCELLED or FAILED.
#include "engine_fixture.h"

namespace runwatch {
namespace {

using testing::EngineTest;

std::string limited_flow(const std::string& id, const std::string& concurrency) {
  return "id: " + id + "\nnamespace: company.team\nconcurrency:\n" + concurrency +
         "tasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT1M\n";
}

class RuntimeConcurrency : public EngineTest {
 protected:
  State state_of(const Engine::Snapshot& e) { return latest(e)->state.current(); }
};

TEST_F(RuntimeConcurrency, QueuedExecutionsStartOldestFirstAsSlotsFree) {
  add(limited_flow("limited", "  limit: 2\n"));
  auto first = start("limited");
  auto second = start("limited");
  auto third = start("limited");
  auto fourth = start("limited");
  EXPECT_EQ(state_of(first), State::RUNNING);
  EXPECT_EQ(state_of(second), State::RUNNING);
  EXPECT_EQ(state_of(third), State::QUEUED);
  EXPECT_EQ(state_of(fourth), State::QUEUED);
  EXPECT_EQ(messages(*latest(third), LogLevel::INFO),
            std::vector<std::string>{": Execution queued: the flow's concurrency limit (2) is reached"});
  EXPECT_TRUE(latest(third)->task_runs.empty());

  advance(std::chrono::minutes(1));  // the first two end; the queued two take their slots
  EXPECT_EQ(state_of(first), State::SUCCESS);
  EXPECT_EQ(state_of(second), State::SUCCESS);
  EXPECT_EQ(states(latest(third)->state.history()),
            (std::vector<State>{State::CREATED, State::QUEUED, State::RUNNING}));
  EXPECT_EQ(state_of(fourth), State::RUNNING);
  advance(std::chrono::minutes(1));
  EXPECT_EQ(states(latest(fourth)->state.history()),
            (std::vector<State>{State::CREATED, State::QUEUED, State::RUNNING, State::SUCCESS}));
}

TEST_F(RuntimeConcurrency, KillingAQueuedExecutionEndsItWithoutTakingASlot) {
  add(limited_flow("limited", "  limit: 1\n  behavior: QUEUE\n"));
  auto running = start("limited");
  auto killed = start("limited");
  auto waiting = start("limited");
  ASSERT_EQ(state_of(killed), State::QUEUED);
  engine.kill(killed->id);
  settle();
  EXPECT_EQ(state_of(killed), State::KILLED);
  EXPECT_EQ(state_of(waiting), State::QUEUED);
  advance(std::chrono::minutes(1));
  EXPECT_EQ(state_of(running), State::SUCCESS);
  EXPECT_EQ(state_of(killed), State::KILLED);
  EXPECT_EQ(state_of(waiting), State::RUNNING);
}

TEST_F(RuntimeConcurrency, CancelEndsTheExtraExecutionCancelledWithoutRunningATask) {
  add(limited_flow("limited", "  limit: 1\n  behavior: CANCEL\n"));
  auto running = start("limited");
  auto cancelled = start("limited");
  EXPECT_EQ(state_of(running), State::RUNNING);
  EXPECT_EQ(states(latest(cancelled)->state.history()), (std::vector<State>{State::CREATED, State::CANCELLED}));
  EXPECT_TRUE(latest(cancelled)->task_runs.empty());
  EXPECT_EQ(messages(*latest(cancelled), LogLevel::INFO),
            std::vector<std::string>{": Execution cancelled: the flow's concurrency limit (1) is reached"});
  advance(std::chrono::minutes(1));
  EXPECT_EQ(state_of(running), State::SUCCESS);
  EXPECT_EQ(state_of(start("limited")), State::RUNNING);  // the slot is free again
}

TEST_F(RuntimeConcurrency, FailEndsTheExtraExecutionFailedWithKestrasMessage) {
  add(limited_flow("limited", "  limit: 1\n  behavior: FAIL\n"));
  auto running = start("limited");
  auto failed = start("limited");
  EXPECT_EQ(states(latest(failed)->state.history()), (std::vector<State>{State::CREATED, State::FAILED}));
  EXPECT_EQ(messages(*latest(failed), LogLevel::ERROR),
            std::vector<std::string>{": Flow is FAILED due to concurrency limit exceeded"});
  EXPECT_EQ(state_of(running), State::RUNNING);
}

TEST_F(RuntimeConcurrency, EachFlowHasItsOwnSlotsAndAFlowWithoutALimitHasNone) {
  add(limited_flow("one", "  limit: 1\n"));
  add(limited_flow("other", "  limit: 1\n"));
  add("id: free\nnamespace: company.team\ntasks:\n  - id: wait\n    type: io.kestra.plugin.core.flow.Sleep\n"
      "    duration: PT1M\n");
  EXPECT_EQ(state_of(start("one")), State::RUNNING);
  EXPECT_EQ(state_of(start("other")), State::RUNNING);
  EXPECT_EQ(state_of(start("one")), State::QUEUED);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(state_of(start("free")), State::RUNNING);  // 4 workers: all busy
}

TEST_F(RuntimeConcurrency, BadValuesAreRefusedAtLoadWithTheirPosition) {
  auto problem = [&](const std::string& concurrency) {
    try {
      add(limited_flow("bad", concurrency));
    } catch (const FlowValidationError& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  EXPECT_EQ(problem("  limit: 0\n"),
            "invalid flow\n  test.yaml:4:10: error: concurrency.limit: 'limit' must be an integer from 1 to 1000000, "
            "not 0");
  EXPECT_EQ(
      problem("  limit: 2\n  behavior: WAIT\n"),
      "invalid flow\n  test.yaml:5:13: error: concurrency.behavior: 'behavior' must be one of QUEUE, CANCEL, FAIL, "
      "not 'WAIT'");
  EXPECT_EQ(problem("  behavior: QUEUE\n"),
            "invalid flow\n  test.yaml:4:3: error: concurrency.limit: missing required property 'limit'");
  EXPECT_EQ(problem("  limit: 1\n  max: 3\n"),
            "invalid flow\n  test.yaml:5:3: error: concurrency.max: unknown property 'max' of 'concurrency' (limit, "
            "behavior)");
}

}  // namespace
}  // namespace runwatch
