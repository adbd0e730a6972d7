// Kestra's own test flows (corpus/kestra-flows/valids) run to the states Kestra's tests
// expect of them (RetryCaseTest, DagTest, EachSequentialTest, ForEachTest, ResumeTest,
// FetchTest), on the manual clock. Where Kestra's count depends on its attempts taking
// real time, the expectation says what runwatch's instantaneous attempts give by the
// same rule.
#include <fstream>
#include <sstream>

#include "engine_fixture.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

class CorpusRunTest : public EngineTest {
 protected:
  void add_corpus(const std::string& file) {
    std::ifstream in(std::string(RUNWATCH_SHARED_DIR) + "/corpus/kestra-flows/valids/" + file);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    engine.add_flow(text.str(), file);
  }
  Engine::Snapshot run(const std::string& flow_id, const Value& inputs = Value::object()) {
    auto created = engine.submit("io.kestra.tests", flow_id, inputs);
    settle();
    return engine.execution(created->id);
  }
  // Kestra's FetchTest: a run of a get-log flow (its Sleep waited) and the `size` of its Fetch.
  int fetched_size(const std::string& flow_id) {
    add_corpus(flow_id + ".yaml");
    auto e = run(flow_id);
    advance(100ms);
    e = latest(e);
    EXPECT_EQ(e->state.current(), S::SUCCESS);
    EXPECT_EQ(e->task_runs.size(), 4u);
    return run_of(*e, "get-log-task").outputs.at("size").get<int>();
  }
  std::vector<S> ends_of(const std::string& flow_id) {
    std::vector<S> out;
    for (const auto& e : engine.executions({.ns = "io.kestra.tests", .flow_id = flow_id, .state = std::nullopt}))
      out.push_back(e->state.current());
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(CorpusRunTest, RetryFailedFlowAttempts) {
  add_corpus("retry-failed-flow-attempts.yml");
  auto e = run("retry-failed-flow-attempts");
  for (int i = 0; i < 3; ++i) advance(1s);
  e = latest(e);
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(e->task_runs.at(0).attempts.size(), 4u);
}

TEST_F(CorpusRunTest, RetryFailedFlowDuration) {
  add_corpus("retry-failed-flow-duration.yml");
  auto e = run("retry-failed-flow-duration");
  for (int i = 0; i < 4; ++i) advance(2s);
  e = latest(e);
  EXPECT_EQ(e->state.current(), S::FAILED);
  // Attempts at 0, 2, 4 and 6 s: the next is not after PT6S (Kestra's, taking time, start later: 3).
  EXPECT_EQ(e->task_runs.at(0).attempts.size(), 4u);
}

TEST_F(CorpusRunTest, RetryNewExecutionFlowAttempts) {
  add_corpus("retry-new-execution-flow-attempts.yml");
  run("retry-new-execution-flow-attempts");
  for (int i = 0; i < 3; ++i) advance(1s);
  EXPECT_EQ(ends_of("retry-new-execution-flow-attempts"), (std::vector<S>{S::RETRIED, S::RETRIED, S::FAILED}));
}

TEST_F(CorpusRunTest, RetryNewExecutionFlowDuration) {
  add_corpus("retry-new-execution-flow-duration.yml");
  run("retry-new-execution-flow-duration");
  for (int i = 0; i < 4; ++i) advance(2s);
  EXPECT_EQ(ends_of("retry-new-execution-flow-duration"),
            (std::vector<S>{S::RETRIED, S::RETRIED, S::RETRIED, S::FAILED}));
}

TEST_F(CorpusRunTest, RetryOfAFlowableAppliesToItsChildren) {
  for (const char* file : {"retry-flowable.yaml", "retry-flowable-child.yaml", "retry-flowable-nested-child.yaml"})
    add_corpus(file);
  for (const auto& [flow_id, child] : std::vector<std::pair<std::string, std::string>>{
           {"retry-flowable", "child"}, {"retry-flowable-child", "child"}, {"retry-flowable-nested-child", "child"}}) {
    SCOPED_TRACE(flow_id);
    auto e = run(flow_id);
    for (int i = 0; i < 2; ++i) advance(1s);
    e = latest(e);
    EXPECT_EQ(e->state.current(), S::FAILED);
    EXPECT_EQ(run_of(*e, child).attempts.size(), 3u);
  }
}

TEST_F(CorpusRunTest, RetryOfAForEachAppliesToEachValuesChild) {
  add_corpus("retry-flowable-parallel.yaml");
  auto e = run("retry-flowable-parallel");
  for (int i = 0; i < 2; ++i) advance(1s);
  e = latest(e);
  EXPECT_EQ(e->state.current(), S::FAILED);
  for (const auto& r : e->task_runs) {
    if (r.task_id == "child") {
      EXPECT_EQ(r.attempts.size(), 3u) << *r.value;
    }
  }
}

TEST_F(CorpusRunTest, Dag) {
  add_corpus("dag.yaml");
  auto e = run("dag");
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(e->task_runs.size(), 7u);
  auto position = [&](const std::string& id) {
    auto order = task_order(*e);
    return std::find(order.begin(), order.end(), id) - order.begin();
  };
  EXPECT_LT(position("task1"), position("task2"));
  EXPECT_LT(position("task4"), position("task5"));
  EXPECT_LT(position("task3"), position("task6"));
}

TEST_F(CorpusRunTest, EachSequentialWarnsWhereItsAllowedFailuresFailed) {
  add_corpus("each-sequential.yaml");
  auto e = run("each-sequential");
  EXPECT_EQ(e->state.current(), S::WARNING);
  EXPECT_EQ(e->task_runs.size(), 11u);
}

TEST_F(CorpusRunTest, ForEachConcurrent) {
  add_corpus("foreach-concurrent.yaml");
  auto e = run("foreach-concurrent");
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(e->task_runs.size(), 7u);
}

TEST_F(CorpusRunTest, ResumeExecutionResumesAPausedOne) {
  add_corpus("pause.yaml");
  add_corpus("resume-execution.yaml");
  auto paused = run("pause");
  ASSERT_EQ(paused->state.current(), S::PAUSED);
  auto resumer = run("resume-execution", {{"executionId", paused->id}});
  EXPECT_EQ(resumer->state.current(), S::SUCCESS);
  EXPECT_EQ(latest(paused)->state.current(), S::SUCCESS);
}

// The lines of the tasks before it at INFO and up: the two Echo and the Sleep's "Waiting for".
TEST_F(CorpusRunTest, FetchStoresTheLinesOfItsExecution) { EXPECT_EQ(fetched_size("get-log"), 3); }

TEST_F(CorpusRunTest, FetchWithTaskIdStoresThatTasksLines) { EXPECT_EQ(fetched_size("get-log-taskid"), 1); }

TEST_F(CorpusRunTest, FetchWithExecutionIdStoresThatExecutionsLines) {
  EXPECT_EQ(fetched_size("get-log-executionid"), 3);
}

}  // namespace
}  // namespace runwatch::testing
