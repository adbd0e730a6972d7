// Subflow (a child execution that is a real execution), flow outputs and `finally`.
#include "engine_fixture.h"
#include "flow_issue_lines.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

constexpr const char* kChild = R"(
id: child
namespace: company.team
labels:
  team: data
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1M
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
    errorMessage: child failed
  - id: result
    type: io.kestra.plugin.core.debug.Return
    format: "from {{ trigger.flowId }} {{ trigger.executionId }}"
outputs:
  - id: answer
    type: STRING
    value: "{{ outputs.result.value }}"
)";

std::string parent(const std::string& extra) {
  return R"(
id: parent
namespace: company.team
labels:
  owner: ops
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs:
      fail: "{{ inputs.fail }}"
    labels:
      called: "yes"
)" + extra +
         R"(
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.call.outputs.answer ?? 'none' }} {{ outputs.call.state ?? 'none' }}"
)";
}

Engine::Snapshot child_of(Engine& engine, const Execution& parent) {
  return engine.execution(EngineTest::run_of(parent, "call").outputs["executionId"].get<std::string>());
}

TEST_F(EngineTest, ASubflowWaitsForItsChildExecutionAndGetsItsOutputs) {
  add(kChild);
  add(parent("    inheritLabels: true"));
  auto e = start("parent");
  ASSERT_EQ(e->state.current(), S::RUNNING);
  auto child = child_of(engine, *e);
  ASSERT_TRUE(child);
  EXPECT_NE(child->id, e->id);
  EXPECT_EQ(child->state.current(), S::RUNNING);
  EXPECT_EQ(child->trigger["executionId"], e->id);
  EXPECT_EQ(child->trigger["flowId"], "parent");
  EXPECT_EQ(child->trigger["id"], "call");
  // The child flow's own labels, then the parent's (inheritLabels), then the task's.
  EXPECT_EQ(child->labels, (std::vector<Label>{{"team", "data"}, {"owner", "ops"}, {"called", "yes"}}));
  advance(1min);
  e = latest(e);
  child = child_of(engine, *e);
  ASSERT_EQ(child->state.current(), S::SUCCESS);
  EXPECT_EQ(child->flow_outputs, Value::parse(R"({"answer": "from parent )" + e->id + R"("})"));
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "call").outputs,
            Value::parse(R"({"executionId": ")" + child->id +
                         R"(", "state": "SUCCESS", "outputs": {"answer": "from parent )" + e->id + R"("}})"));
  EXPECT_EQ(run_of(*e, "after").outputs["value"], "from parent " + e->id + " SUCCESS");
}

TEST_F(EngineTest, AFailedChildFailsTheSubflowUnlessTransmitFailedIsFalse) {
  add(kChild);
  add(parent(""));
  auto e = start("parent", {{"fail", true}});
  advance(1min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::FAILED);
  auto child = child_of(engine, *e);
  EXPECT_EQ(child->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            (std::vector<std::string>{"call: The subflow's execution '" + child->id + "' ended FAILED"}));
  EXPECT_FALSE(ran(*e, "after"));

  add(parent("    transmitFailed: false"));
  e = start("parent", {{"fail", true}});
  advance(1min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "after").outputs["value"], "none FAILED");
}

TEST_F(EngineTest, ASubflowThatDoesNotWaitSucceedsAtOnce) {
  add(kChild);
  add(parent("    wait: false"));
  auto e = start("parent");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "after").outputs["value"], "none none");
  auto child = child_of(engine, *e);
  EXPECT_EQ(child->state.current(), S::RUNNING);
  advance(1min);
  EXPECT_EQ(latest(child)->state.current(), S::SUCCESS);
}

TEST_F(EngineTest, ASubflowOfAnUnknownFlowOrWithBadInputsFailsSayingWhy) {
  add(parent(""));
  auto e = start("parent");
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"call: Flow 'company.team.child' not found"}));
  add(kChild);
  add(R"(
id: bad_inputs
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
    inputs:
      fail: maybe
)");
  e = start("bad_inputs");
  ASSERT_EQ(e->state.current(), S::FAILED);
  ASSERT_EQ(messages(*e, LogLevel::ERROR).size(), 1u);
  EXPECT_EQ(messages(*e, LogLevel::ERROR)[0].rfind("call: Invalid input 'fail' (BOOLEAN)", 0), 0u)
      << messages(*e, LogLevel::ERROR)[0];
}

std::string versioned(const std::string& answer) {
  return R"(
id: versioned
namespace: company.team
tasks:
  - id: result
    type: io.kestra.plugin.core.debug.Return
    format: )" +
         answer + R"(
outputs:
  - id: answer
    type: STRING
    value: "{{ outputs.result.value }}"
)";
}

std::string caller(const std::string& extra) {
  return R"(
id: caller
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: versioned
)" + extra;
}

TEST_F(EngineTest, ASubflowRunsTheRevisionItNamesOrTheLatest) {
  add(versioned("one"));
  add(versioned("two"));
  add(caller("    revision: 1\n"));
  auto e = start("caller");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  auto child = child_of(engine, *e);
  EXPECT_EQ(child->flow_revision, 1);
  EXPECT_EQ(child->flow_outputs, Value::parse(R"({"answer": "one"})"));

  add(caller(""));
  e = start("caller");
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(child_of(engine, *e)->flow_revision, 2);
  EXPECT_EQ(run_of(*e, "call").outputs["outputs"], Value::parse(R"({"answer": "two"})"));

  add(caller("    revision: 7\n"));
  e = start("caller");
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            (std::vector<std::string>{"call: Flow 'company.team.versioned' has no revision 7"}));
  add(caller("    revision: \"{{ 'latest' }}\"\n"));
  e = start("caller");
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            (std::vector<std::string>{"call: revision must be a positive integer, not \"{{ 'latest' }}\""}));
}

TEST_F(EngineTest, ASubflowsScheduleDateKeepsItsExecutionCreatedUntilThen) {
  add(versioned("later"));
  // The test clock starts at 2023-11-14T22:13:20Z: an hour later, in another zone.
  add(caller("    scheduleDate: \"2023-11-15T00:13:20+01:00\"\n"));
  auto e = start("caller");
  ASSERT_EQ(e->state.current(), S::RUNNING);
  auto child = child_of(engine, *e);
  EXPECT_EQ(child->state.current(), S::CREATED);
  ASSERT_TRUE(child->schedule_date);
  EXPECT_EQ(*child->schedule_date, test_epoch() + 1h);
  advance(59min);
  EXPECT_EQ(latest(child)->state.current(), S::CREATED);
  advance(1min);
  EXPECT_EQ(latest(child)->state.current(), S::SUCCESS);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "call").outputs["outputs"], Value::parse(R"({"answer": "later"})"));

  add(caller("    scheduleDate: \"{{ 'tomorrow' }}\"\n"));
  e = start("caller");
  ASSERT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            (std::vector<std::string>{"call: scheduleDate 'tomorrow' is not an ISO-8601 date-time with a zone"}));
}

TEST_F(EngineTest, TheLegacyFlowTaskAndItsOutputsExtractionStillWork) {
  add(kChild);
  add(R"(
id: legacy
namespace: company.team
tasks:
  - id: call
    type: io.kestra.core.tasks.flows.Flow
    namespace: company.team
    flowId: child
    outputs:
      extracted: "{{ outputs.result.value }}!"
)");
  auto e = start("legacy");
  advance(1min);
  e = latest(e);
  ASSERT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "call").outputs["outputs"]["extracted"], "from legacy " + e->id + "!");
}

TEST_F(EngineTest, FlowOutputsThatCannotBeRenderedFailTheExecution) {
  add(R"(
id: outputs
namespace: company.team
inputs:
  - id: n
    type: STRING
tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.n }}"
outputs:
  - id: number
    type: INT
    value: "{{ outputs.echo.value }}"
  - id: text
    type: STRING
    value: "n={{ outputs.echo.value }}"
)");
  auto ok = start("outputs", {{"n", "42"}});
  ASSERT_EQ(ok->state.current(), S::SUCCESS);
  EXPECT_EQ(ok->flow_outputs, Value::parse(R"({"number": 42, "text": "n=42"})"));
  auto bad = start("outputs", {{"n", "many"}});
  ASSERT_EQ(bad->state.current(), S::FAILED);
  ASSERT_EQ(messages(*bad, LogLevel::ERROR).size(), 1u);
  EXPECT_EQ(messages(*bad, LogLevel::ERROR)[0].rfind(
                ": Failed to render the flow's outputs: Invalid input 'number' (INT)", 0),
            0u)
      << messages(*bad, LogLevel::ERROR)[0];
  EXPECT_TRUE(bad->flow_outputs.empty());
}

TEST_F(EngineTest, FinallyTasksRunWhateverTheStateAndDoNotChangeIt) {
  add(R"(
id: cleanup
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
tasks:
  - id: work
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
    errorMessage: broken
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: alert
finally:
  - id: close
    type: io.kestra.plugin.core.log.Log
    message: "closing after {{ execution.state }}"
  - id: fails_too
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: cleanup failed
    allowFailure: true
)");
  auto failed = start("cleanup", {{"fail", true}});
  EXPECT_EQ(failed->state.current(), S::FAILED);
  EXPECT_EQ(messages(*failed, LogLevel::INFO),
            (std::vector<std::string>{"alert: alert", "close: closing after RUNNING"}));
  auto ok = start("cleanup", {{"fail", false}});
  EXPECT_EQ(ok->state.current(), S::SUCCESS);
  EXPECT_EQ(messages(*ok, LogLevel::INFO), (std::vector<std::string>{"close: closing after RUNNING"}));
  EXPECT_EQ(run_of(*ok, "close").branch, "finally");
}

TEST(FlowOutputsLoading, EachOutputNeedsAnIdATypeAndAValue) {
  EXPECT_EQ(issue_lines(R"(id: outputs
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
outputs:
  - id: a
    type: STRING
  - id: a
    type: NUMBER
    value: 1
  - id: c
    type: STRING
    value: x
    defaults: y
)"),
            (std::vector<std::string>{
                "outputs[0].value 8:5 missing required property 'value'",
                "outputs[1].id 10:5 duplicate output id 'a' (first declared at outputs[0])",
                "outputs[1].type 11:11 unknown input type 'NUMBER'",
                "outputs[2].defaults 16:5 unknown property 'defaults' of an input of type STRING",
            }));
}

}  // namespace
}  // namespace runwatch::testing
