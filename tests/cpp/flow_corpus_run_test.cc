// Kestra's own test flows (corpus/kestra-flows/valids) run to the states Kestra's tests
// expect of them (RetryCaseTest, DagTest, EachSequentialTest, ForEachTest, ResumeTest,
// ForEachItemCaseTest, TaskWithAllowFailureTest, TaskWithAllowWarningTest, FetchTest),
// on the manual clock. Where Kestra's count depends on its attempts taking real time,
// the expectation says what runwatch's instantaneous attempts give by the same rule.
#include <fstream>
#include <sstream>

#include "engine_fixture.h"
#include "store_test_support.h"

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
  // ForEachItemCaseTest's file: 102 lines, each a number left-padded to 20 characters.
  Engine::Snapshot run_with_items(const std::string& flow_id, const Value& inputs = Value::object()) {
    std::ofstream out(folder / "file.txt", std::ios::binary);
    for (int i = 0; i < 102; ++i) {
      std::string number = std::to_string(i);
      out << std::string(20 - number.size(), ' ') << number << "\n";
    }
    out.close();
    auto created = engine.submit("io.kestra.tests", flow_id, inputs, {}, nullptr,
                                 {{"file", FileInput{"file.txt", folder / "file.txt"}}});
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
  std::vector<Engine::Snapshot> executions_of(const std::string& flow_id) {
    return engine.executions({.ns = "io.kestra.tests", .flow_id = flow_id, .state = std::nullopt});
  }
  std::string text_of(const std::string& uri) {
    std::stringstream text;
    text << engine.open_file(uri).rdbuf();
    return text.str();
  }
  TempFolder folder;
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

// Kestra's EachSequentialTest.object / objectInList: jq picks a JSON value's fields.
TEST_F(CorpusRunTest, EachObjectPicksFieldsWithJq) {
  for (const std::string flow : {"each-object", "each-object-in-list"}) {
    add_corpus(flow + ".yaml");
    auto e = run(flow);
    EXPECT_EQ(e->state.current(), S::SUCCESS) << flow;
    EXPECT_EQ(e->task_runs.size(), 8u) << flow;
    std::vector<std::string> returned;
    for (const auto& r : e->task_runs)
      if (r.task_id == "json" || r.task_id == "not-json") returned.push_back(r.outputs.at("value").get<std::string>());
    std::sort(returned.begin(), returned.end());
    EXPECT_EQ(returned, (std::vector<std::string>{
                            R"(json > JSON > ["my-complex"] > [{"sub":1,"bool":true}])",
                            R"(json > JSON > ["my-key"] > ["my-value"])",
                            "not-json > STRING > value 1",
                        }))
        << flow;
  }
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

TEST_F(CorpusRunTest, ForEachItemStartsASubflowPerBatchAndWaitsForThem) {
  add_corpus("for-each-item-subflow.yaml");
  add_corpus("for-each-item.yaml");
  auto e = run_with_items("for-each-item", {{"batch", 4}});
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"each", "each_split", "each_items", "each_merge"}));
  const TaskRun& items = e->task_runs.at(2);
  EXPECT_EQ(items.outputs["numberOfBatches"], 26);
  EXPECT_EQ(items.outputs["iterations"], (Value{{"CREATED", 0}, {"RUNNING", 0}, {"SUCCESS", 26}}));
  EXPECT_EQ(run_of(*e, "each_merge").outputs, Value::object());  // the subflow has no outputs

  auto children = executions_of("for-each-item-subflow");
  ASSERT_EQ(children.size(), 26u);
  EXPECT_EQ(ends_of("for-each-item-subflow"), std::vector<S>(26, S::SUCCESS));
  const std::string split_dir = "kestra:///io/kestra/tests/for-each-item/executions/" + e->id + "/tasks/each-split/" +
                                run_of(*e, "each_split").id + "/";
  for (const auto& child : children) {
    ASSERT_EQ(child->task_runs.size(), 1u);
    EXPECT_EQ(child->trigger["executionId"], e->id);
  }
  std::set<std::string> batches;
  for (const auto& child : children) batches.insert(child->inputs["items"].get<std::string>());
  EXPECT_EQ(*batches.begin(), split_dir + "1.txt");
  EXPECT_TRUE(batches.contains(split_dir + "26.txt"));
  EXPECT_EQ(text_of(split_dir + "1.txt"),
            "                   0\n                   1\n                   2\n                   3\n");
  EXPECT_EQ(text_of(split_dir + "26.txt"), "                 100\n                 101\n");
}

TEST_F(CorpusRunTest, ForEachItemFailsWhenItsSubflowsFail) {
  add_corpus("for-each-item-subflow-failed.yaml");
  add_corpus("for-each-item-failed.yaml");
  auto e = run_with_items("for-each-item-failed");
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"each", "each_split", "each_items"}));
  EXPECT_EQ(e->task_runs.at(2).state.current(), S::FAILED);
  EXPECT_EQ(e->task_runs.at(2).outputs["numberOfBatches"], 26);
  EXPECT_EQ(e->task_runs.at(2).outputs["iterations"], (Value{{"CREATED", 0}, {"RUNNING", 0}, {"FAILED", 26}}));
  EXPECT_EQ(ends_of("for-each-item-subflow-failed"), std::vector<S>(26, S::FAILED));
}

TEST_F(CorpusRunTest, ForEachItemWithoutWaitCountsItsSubflowsAsStarted) {
  add_corpus("for-each-item-subflow.yaml");
  add_corpus("for-each-item-no-wait.yaml");
  auto e = run_with_items("for-each-item-no-wait");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(e->task_runs.size(), 4u);
  EXPECT_EQ(e->task_runs.at(2).outputs["iterations"], (Value{{"RUNNING", 0}, {"SUCCESS", 26}}));
  EXPECT_EQ(ends_of("for-each-item-subflow"), std::vector<S>(26, S::SUCCESS));
}

TEST_F(CorpusRunTest, ForEachItemMergesItsSubflowsOutputs) {
  add_corpus("for-each-item-outputs-subflow.yaml");
  add_corpus("for-each-item-outputs.yaml");
  auto e = run_with_items("for-each-item-outputs");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  ASSERT_EQ(e->task_runs.size(), 5u);
  const std::string merged = e->task_runs.at(3).outputs["subflowOutputs"];
  EXPECT_EQ(merged, "kestra:///io/kestra/tests/for-each-item-outputs/executions/" + e->id + "/tasks/each-merge/" +
                        e->task_runs.at(3).id + "/outputs.ion");
  EXPECT_EQ(run_of(*e, "return").outputs["value"], merged);
  std::istringstream lines(text_of(merged));
  std::vector<std::string> values;
  for (std::string line; std::getline(lines, line);) values.push_back(line);
  ASSERT_EQ(values.size(), 26u);
  EXPECT_EQ(values.front(),
            R"({"value":"                   0\n                   1\n                   2\n                   3\n"})");
  EXPECT_EQ(values.back(), R"({"value":"                 100\n                 101\n"})");
}

TEST_F(CorpusRunTest, ForEachItemAllowedToFailOrWarn) {
  add_corpus("for-each-item-subflow-failed.yaml");
  add_corpus("task-allow-failure-executable-foreachitem.yml");
  add_corpus("task-allow-warning-executable-foreachitem.yml");
  auto failure = run_with_items("task-allow-failure-executable-foreachitem");
  EXPECT_EQ(failure->state.current(), S::WARNING);
  EXPECT_EQ(failure->task_runs.size(), 4u);
  auto warning = run_with_items("task-allow-warning-executable-foreachitem");
  EXPECT_EQ(warning->state.current(), S::SUCCESS);
  EXPECT_EQ(warning->task_runs.size(), 4u);
}

// The lines of the tasks before it at INFO and up: the two Echo and the Sleep's "Waiting for".
TEST_F(CorpusRunTest, FetchStoresTheLinesOfItsExecution) { EXPECT_EQ(fetched_size("get-log"), 3); }

TEST_F(CorpusRunTest, FetchWithTaskIdStoresThatTasksLines) { EXPECT_EQ(fetched_size("get-log-taskid"), 1); }

TEST_F(CorpusRunTest, FetchWithExecutionIdStoresThatExecutionsLines) {
  EXPECT_EQ(fetched_size("get-log-executionid"), 3);
}

}  // namespace
}  // namespace runwatch::testing
