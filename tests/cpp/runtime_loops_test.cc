// Loops and graphs: ForEach (and the older EachSequential / EachParallel) run their tasks
// once per value, keyed by value; Dag runs each task once what it depends on succeeded.
#include <algorithm>

#include "engine_fixture.h"
#include "flow_issue_lines.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

// The runs of a task, in the order they were created.
std::vector<const TaskRun*> runs_of(const Execution& e, const std::string& task_id) {
  std::vector<const TaskRun*> out;
  for (const auto& tr : e.task_runs)
    if (tr.task_id == task_id) out.push_back(&tr);
  return out;
}

std::vector<std::string> values_of(const std::vector<const TaskRun*>& runs) {
  std::vector<std::string> out;
  for (const auto* run : runs) out.push_back(run->value.value_or("<none>"));
  return out;
}

// How many runs of `task_id` are RUNNING now.
size_t running(const Execution& e, const std::string& task_id) {
  auto runs = runs_of(e, task_id);
  return std::count_if(runs.begin(), runs.end(), [](const TaskRun* r) { return r->state.current() == S::RUNNING; });
}

// A Sleep holds a worker as it does in Kestra: the fixture's 4 workers sleep 4 at a time.
std::string sleeping_loop(int limit, const std::string& values = R"(["a", "b", "c", "d", "e"])") {
  return R"(
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: )" +
         values + R"(
    concurrencyLimit: )" +
         std::to_string(limit) + R"(
    tasks:
      - id: wait
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT1M
      - id: result
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}-{{ taskrun.iteration }}"
)";
}

TEST_F(EngineTest, ForEachRunsOneValueAtATimeByDefault) {
  add(sleeping_loop(1));
  auto e = start("loop");
  EXPECT_EQ(running(*e, "wait"), 1u);
  EXPECT_EQ(values_of(runs_of(*e, "wait")), (std::vector<std::string>{"a"}));
  advance(1min);
  e = latest(e);
  EXPECT_EQ(values_of(runs_of(*e, "wait")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(values_of(runs_of(*e, "result")), (std::vector<std::string>{"a"}));
  for (int i = 0; i < 4; ++i) advance(1min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(values_of(runs_of(*e, "result")), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(e->outputs()["result"], Value::parse(R"({"a": {"value": "a-0"}, "b": {"value": "b-1"},
    "c": {"value": "c-2"}, "d": {"value": "d-3"}, "e": {"value": "e-4"}})"));
  const TaskRun& each = run_of(*e, "each");
  for (const auto* r : runs_of(*e, "result")) EXPECT_EQ(r->parent_task_run_id, each.id);
}

TEST_F(EngineTest, ForEachWithConcurrencyLimitThreeRunsThreeValuesAtOnce) {
  add(sleeping_loop(3));
  auto e = start("loop");
  EXPECT_EQ(running(*e, "wait"), 3u);
  EXPECT_EQ(values_of(runs_of(*e, "wait")), (std::vector<std::string>{"a", "b", "c"}));
  advance(1min);
  e = latest(e);
  EXPECT_EQ(running(*e, "wait"), 2u);               // d and e: no more values
  auto results = values_of(runs_of(*e, "result"));  // the three ended together: in any order
  std::sort(results.begin(), results.end());
  EXPECT_EQ(results, (std::vector<std::string>{"a", "b", "c"}));
  advance(1min);
  ASSERT_EQ(latest(e)->state.current(), S::SUCCESS);
  EXPECT_EQ(runs_of(*latest(e), "result").size(), 5u);
}

TEST_F(EngineTest, ForEachWithConcurrencyLimitZeroRunsEveryValueAtOnce) {
  add(sleeping_loop(0, R"(["a", "b", "c", "d"])"));
  auto e = start("loop");
  EXPECT_EQ(running(*e, "wait"), 4u);
  advance(1min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(e->duration(), 1min);
}

TEST_F(EngineTest, AFailingValueFailsTheLoopAfterItsErrorsAndStartsNoFurtherValue) {
  add(R"(
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: '[1, 2, 3]'
    tasks:
      - id: check
        type: io.kestra.plugin.core.execution.Fail
        runIf: "{{ taskrun.value == '2' }}"
        errorMessage: "value {{ taskrun.value }} is bad"
    errors:
      - id: cleanup
        type: io.kestra.plugin.core.log.Log
        message: "cleaning up"
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: never
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: "alert"
)");
  auto e = start("loop");
  ASSERT_EQ(e->state.current(), S::FAILED);
  auto checks = runs_of(*e, "check");
  ASSERT_EQ(values_of(checks), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(checks[0]->state.current(), S::SKIPPED);
  EXPECT_EQ(checks[1]->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "each").state.current(), S::FAILED);
  EXPECT_FALSE(ran(*e, "after"));
  EXPECT_EQ(messages(*e, LogLevel::INFO), (std::vector<std::string>{"cleanup: cleaning up", "alert: alert"}));
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"check: value 2 is bad"}));
}

TEST_F(EngineTest, ErrorsInsideAnIterationRunForThatValueOnly) {
  add(R"(
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ["x", "y"]
    concurrencyLimit: 0
    tasks:
      - id: guarded
        type: io.kestra.plugin.core.flow.AllowFailure
        tasks:
          - id: risky
            type: io.kestra.plugin.core.execution.Fail
            runIf: "{{ taskrun.value == 'y' }}"
            errorMessage: "y failed"
        errors:
          - id: report
            type: io.kestra.plugin.core.log.Log
            message: "failed for {{ parent.taskrun.value }}"
)");
  auto e = start("loop");
  ASSERT_EQ(e->state.current(), S::WARNING);
  EXPECT_EQ(values_of(runs_of(*e, "report")), (std::vector<std::string>{"y"}));
  EXPECT_EQ(messages(*e, LogLevel::INFO), (std::vector<std::string>{"report: failed for y"}));
  auto guarded = runs_of(*e, "guarded");
  ASSERT_EQ(values_of(guarded), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(guarded[0]->state.current(), S::SUCCESS);
  EXPECT_EQ(guarded[1]->state.current(), S::WARNING);
}

TEST_F(EngineTest, NestedLoopsReadTheOuterValueThroughParentAndNestTheirOutputs) {
  add(R"(
id: nested
namespace: company.team
tasks:
  - id: outer
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b"]
    tasks:
      - id: inner
        type: io.kestra.plugin.core.flow.ForEach
        values: [1, 2]
        tasks:
          - id: pair
            type: io.kestra.plugin.core.debug.Return
            format: "{{ parent.taskrun.value }}{{ taskrun.value }}"
  - id: last
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.pair['b']['1'].value }}"
)");
  auto e = start("nested");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(e->outputs()["pair"], Value::parse(R"({"a": {"1": {"value": "a1"}, "2": {"value": "a2"}},
                                                  "b": {"1": {"value": "b1"}, "2": {"value": "b2"}}})"));
  EXPECT_EQ(run_of(*e, "last").outputs["value"], "b1");
}

TEST_F(EngineTest, ValuesAreDistinctAndObjectsBecomeTheirJsonText) {
  add(R"(
id: objects
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ['{"k": 1}', "s", "s", 3]
    tasks:
      - id: show
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
  - id: objects
    type: io.kestra.plugin.core.flow.ForEach
    values: '[{"k": 1}, [2]]'
    tasks:
      - id: show_object
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
)");
  auto e = start("objects");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(values_of(runs_of(*e, "show")), (std::vector<std::string>{R"({"k": 1})", "s", "3"}));
  EXPECT_EQ(values_of(runs_of(*e, "show_object")), (std::vector<std::string>{R"({"k":1})", "[2]"}));
}

TEST_F(EngineTest, ValuesThatAreNotAListFailTheLoopSayingWhy) {
  add(R"(
id: bad
namespace: company.team
inputs:
  - id: values
    type: STRING
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: "{{ inputs.values }}"
    tasks:
      - id: show
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
)");
  auto e = start("bad", {{"values", "not json"}});
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_FALSE(ran(*e, "show"));
  auto errors = messages(*e, LogLevel::ERROR);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("each: 'values' must be a list or a JSON array: ", 0), 0u) << errors[0];
  EXPECT_EQ(messages(*start("bad", {{"values", R"({"a": 1})"}}), LogLevel::ERROR),
            (std::vector<std::string>{"each: 'values' must be a list or a JSON array, not object"}));
  EXPECT_EQ(messages(*start("bad", {{"values", "[1, null]"}}), LogLevel::ERROR),
            (std::vector<std::string>{"each: 'values' holds a null value"}));
  auto too_many = Value::array();
  for (int i = 0; i <= 10'000; ++i) too_many.push_back(i);
  EXPECT_EQ(messages(*start("bad", {{"values", too_many.dump()}}), LogLevel::ERROR),
            (std::vector<std::string>{"each: 'values' holds 10001 values, more than the 10000 a loop may run in one "
                                      "execution: use ForEachItem or a Subflow per value"}));
  EXPECT_EQ(start("bad", {{"values", "[]"}})->state.current(), S::SUCCESS);
}

TEST_F(EngineTest, EachSequentialAndEachParallelAreForEachsPredecessors) {
  add(R"(
id: legacy
namespace: company.team
tasks:
  - id: sequential
    type: io.kestra.core.tasks.flows.EachSequential
    value: ["a", "b"]
    tasks:
      - id: wait_s
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT1M
  - id: parallel
    type: io.kestra.plugin.core.flow.EachParallel
    value: '["a", "b", "c"]'
    concurrent: 2
    tasks:
      - id: wait_p
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT1M
      - id: also_p
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT1M
)");
  auto e = start("legacy");
  EXPECT_EQ(running(*e, "wait_s"), 1u);
  advance(1min);
  EXPECT_EQ(values_of(runs_of(*latest(e), "wait_s")), (std::vector<std::string>{"a", "b"}));
  advance(1min);
  e = latest(e);
  EXPECT_EQ(running(*e, "wait_p") + running(*e, "also_p"), 4u);  // two values, their tasks together
  advance(1min);
  e = latest(e);
  EXPECT_EQ(values_of(runs_of(*e, "wait_p")), (std::vector<std::string>{"a", "b", "c"}));
  advance(1min);
  ASSERT_EQ(latest(e)->state.current(), S::SUCCESS);
}

constexpr const char* kDag = R"(
id: dag
namespace: company.team
inputs:
  - id: fail
    type: STRING
    defaults: none
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: last
          type: io.kestra.plugin.core.log.Log
          message: last
        dependsOn: [left, right]
      - task:
          id: first
          type: io.kestra.plugin.core.flow.Sleep
          duration: PT1M
      - task:
          id: left
          type: io.kestra.plugin.core.execution.Fail
          runIf: "{{ inputs.fail == 'left' }}"
          errorMessage: left failed
        dependsOn: [first]
      - task:
          id: right
          type: io.kestra.plugin.core.flow.Sleep
          duration: PT2M
        dependsOn: [first]
)";

TEST_F(EngineTest, DagRunsEachTaskOnceItsDependenciesSucceeded) {
  add(kDag);
  auto e = start("dag");
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"dag", "first"}));
  advance(1min);
  e = latest(e);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"dag", "first", "left", "right"}));
  EXPECT_EQ(run_of(*e, "left").state.current(), S::SKIPPED);
  advance(2min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"dag", "first", "left", "right", "last"}));
  EXPECT_EQ(run_of(*e, "last").state.start_date(), test_epoch() + 3min);
}

TEST_F(EngineTest, ADagTaskWhoseDependencyFailedNeverRunsAndTheDagFails) {
  add(kDag);
  auto e = start("dag", {{"fail", "left"}});
  advance(1min);
  advance(2min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "left").state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "right").state.current(), S::SUCCESS);  // already running: it ends
  EXPECT_FALSE(ran(*e, "last"));
}

constexpr const char* kWaitFor = R"(
id: poll
namespace: company.team
inputs:
  - id: until
    type: INT
  - id: fail_on_max
    type: BOOLEAN
    defaults: false
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.WaitFor
    condition: "{{ (outputs.count.value | number) < inputs.until }}"
    failOnMaxReached: "{{ inputs.fail_on_max }}"
    checkFrequency:
      maxIterations: 5
      interval: PT10S
    tasks:
      - id: count
        type: io.kestra.plugin.core.debug.Return
        format: "{{ outputs.wait.iterationCount }}"
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.wait.iterationCount }} {{ outputs.count.value }}"
)";

TEST_F(EngineTest, WaitForRunsItsTasksAgainWhileItsConditionHolds) {
  add(kWaitFor);
  auto e = start("poll", {{"until", 3}});
  EXPECT_EQ(runs_of(*e, "count").size(), 1u) << ::testing::PrintToString(messages(*e, LogLevel::ERROR));
  advance(9s);
  EXPECT_EQ(runs_of(*latest(e), "count").size(), 1u);
  advance(1s);
  EXPECT_EQ(runs_of(*latest(e), "count").size(), 2u);
  advance(10s);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS) << ::testing::PrintToString(messages(*e, LogLevel::ERROR));
  auto counts = runs_of(*e, "count");
  ASSERT_EQ(counts.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(counts[i]->iteration, i);
    EXPECT_EQ(counts[i]->outputs["value"], std::to_string(i + 1));
  }
  EXPECT_EQ(run_of(*e, "wait").outputs["iterationCount"], 3);
  EXPECT_EQ(run_of(*e, "after").outputs["value"], "3 3");
}

TEST_F(EngineTest, WaitForStopsAtItsMaximumAndFailsOnlyWhenAsked) {
  add(kWaitFor);
  auto e = start("poll", {{"until", 100}});
  for (int i = 0; i < 6; ++i) advance(10s);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(runs_of(*e, "count").size(), 5u);
  auto failing = start("poll", {{"until", 100}, {"fail_on_max", true}});
  for (int i = 0; i < 6; ++i) advance(10s);
  failing = latest(failing);
  ASSERT_EQ(failing->state.current(), S::FAILED);
  EXPECT_EQ(messages(*failing, LogLevel::ERROR), (std::vector<std::string>{"wait: Max iterations reached (5)"}));
}

FlowLoadResult load(const std::string& yaml) { return load_flow(yaml, "dag.yaml", {PluginRegistry::global()}); }

TEST(WaitForLoading, ACheckFrequencyThatCannotBeUsedIsALoadError) {
  EXPECT_EQ(issue_lines(R"(id: poll
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.WaitFor
    condition: "{{ true }}"
    checkFrequency:
      maxIterations: -3
      interval: every second
      every: PT1S
    tasks:
      - id: t
        type: io.kestra.plugin.core.log.Log
        message: hi
)"),
            (std::vector<std::string>{
                "tasks[0].checkFrequency.maxIterations 8:22 'maxIterations' must be a positive integer",
                "tasks[0].checkFrequency.interval 9:17 'interval' must be an ISO-8601 duration such as PT1M",
                "tasks[0].checkFrequency.every 10:14 unknown property 'every': checkFrequency has maxIterations, "
                "maxDuration and interval"}));
}

TEST(DagLoading, ACycleAndAnUnknownDependencyAreLoadErrorsAtTheirPlace) {
  auto cycle = load(R"(id: cyclic
namespace: company.team
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task: {id: a, type: io.kestra.plugin.core.log.Log, message: a}
        dependsOn: [c]
      - task: {id: b, type: io.kestra.plugin.core.log.Log, message: b}
        dependsOn: [a]
      - task: {id: c, type: io.kestra.plugin.core.log.Log, message: c}
        dependsOn: [b]
)");
  EXPECT_EQ(
      issue_lines(cycle),
      (std::vector<std::string>{"tasks[0].tasks[0].dependsOn 8:20 the dependencies form a cycle: a -> c -> b -> a"}));

  auto unknown = load(R"(id: unknown
namespace: company.team
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task: {id: a, type: io.kestra.plugin.core.log.Log, message: a}
        dependsOn: [a1, b]
      - task: {id: b, type: io.kestra.plugin.core.log.Log, message: b}
        extra: 1
)");
  EXPECT_EQ(issue_lines(unknown),
            (std::vector<std::string>{
                "tasks[0].tasks[0].dependsOn[0] 8:21 task 'a' depends on 'a1', which is not a task of this Dag",
                "tasks[0].tasks[1].extra 10:9 unknown property 'extra': a Dag entry has only 'task' and 'dependsOn'"}));

  auto shapes = load(R"(id: shapes
namespace: company.team
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - just a string
      - dependsOn: [x]
      - task: {id: c, type: io.kestra.plugin.core.log.Log, message: c}
        dependsOn: {x: 1}
)");
  EXPECT_EQ(issue_lines(shapes),
            (std::vector<std::string>{
                "tasks[0].tasks[0] 7:9 expected a mapping with 'task' and 'dependsOn', not a string",
                "tasks[0].tasks[1].task 8:9 missing required property 'task'",
                "tasks[0].tasks[2].dependsOn 10:20 'dependsOn' must be a list of task ids, not a mapping"}));
}

}  // namespace
}  // namespace runwatch::testing
