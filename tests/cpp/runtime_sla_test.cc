// A flow's `sla` (MAX_DURATION on the engine clock, EXECUTION_ASSERTION as it ends; FAIL,
// CANCEL or NONE, with labels) and its `afterExecution` tasks.
#include "engine_fixture.h"
#include "flow_issue_lines.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

std::string slow_flow(const std::string& behavior) {
  return R"(
id: slow
namespace: company.team
sla:
  - id: max
    type: MAX_DURATION
    behavior: )" +
         behavior + R"(
    duration: PT1M
    labels:
      sla: missed
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT2M
)";
}

TEST_F(EngineTest, AMaxDurationSlaEndsAnExecutionThatRunsTooLongByItsBehavior) {
  struct Case {
    std::string behavior;
    S execution, nap;
  };
  for (const auto& c : std::vector<Case>{
           {"FAIL", S::FAILED, S::KILLED}, {"CANCEL", S::CANCELLED, S::KILLED}, {"NONE", S::SUCCESS, S::SUCCESS}}) {
    SCOPED_TRACE(c.behavior);
    add(slow_flow(c.behavior));
    auto e = start("slow");
    advance(59s);
    ASSERT_EQ(latest(e)->state.current(), S::RUNNING);
    EXPECT_TRUE(latest(e)->labels.empty());
    advance(1s);
    if (c.behavior == "NONE") advance(1min);
    e = latest(e);
    EXPECT_EQ(e->state.current(), c.execution);
    EXPECT_EQ(run_of(*e, "nap").state.current(), c.nap);
    EXPECT_EQ(e->labels, (std::vector<Label>{{"sla", "missed"}}));
    EXPECT_EQ(messages(*e, LogLevel::ERROR),
              (std::vector<std::string>{": SLA 'max' violated: the execution ran longer than PT1M"}));
  }
}

TEST_F(EngineTest, AnExecutionWithinItsMaxDurationIsUntouched) {
  add(R"(
id: quick
namespace: company.team
sla:
  - id: max
    type: MAX_DURATION
    duration: PT1H
    labels: [{key: sla, value: missed}]
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1M
)");
  auto e = start("quick");
  advance(1min);
  advance(2h);
  e = latest(e);
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_TRUE(e->labels.empty());
  EXPECT_TRUE(messages(*e, LogLevel::ERROR).empty());
}

// Kestra's own sla-execution-condition flow.
TEST_F(EngineTest, AnExecutionAssertionIsCheckedAsTheExecutionEnds) {
  add(R"(
id: sla-execution-condition
namespace: company.team
inputs:
  - id: string
    type: SELECT
    values: [PASS, CANCEL, LABEL]
    defaults: PASS
sla:
  - id: condition
    type: EXECUTION_ASSERTION
    behavior: CANCEL
    assert: "{{inputs.string != 'CANCEL'}}"
  - id: condition
    type: EXECUTION_ASSERTION
    behavior: NONE
    assert: "{{inputs.string != 'LABEL'}}"
    labels:
      sla: violated
tasks:
  - id: return
    type: io.kestra.plugin.core.debug.Return
    format: "true"
)");
  auto pass = start("sla-execution-condition");
  EXPECT_EQ(pass->state.current(), S::SUCCESS);
  EXPECT_TRUE(pass->labels.empty());
  auto cancel = start("sla-execution-condition", {{"string", "CANCEL"}});
  EXPECT_EQ(cancel->state.current(), S::CANCELLED);
  EXPECT_EQ(messages(*cancel, LogLevel::ERROR),
            (std::vector<std::string>{": SLA 'condition' violated: its assertion is false"}));
  auto label = start("sla-execution-condition", {{"string", "LABEL"}});
  EXPECT_EQ(label->state.current(), S::SUCCESS);
  EXPECT_EQ(label->labels, (std::vector<Label>{{"sla", "violated"}}));
}

TEST_F(EngineTest, AfterExecutionTasksSeeTheFinalStateAndDoNotChangeIt) {
  add(R"(
id: alerts_demo
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
afterExecution:
  - id: onSuccess
    runIf: "{{ execution.state == 'SUCCESS' }}"
    type: io.kestra.plugin.core.log.Log
    message: "{{ flow.id }} finished successfully"
  - id: onFailure
    runIf: "{{ execution.state == 'FAILED' }}"
    type: io.kestra.plugin.core.log.Log
    message: "{{ flow.id }} failed"
  - id: broken
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: the alert itself failed
)");
  auto failed = start("alerts_demo", {{"fail", true}});
  EXPECT_EQ(failed->state.current(), S::FAILED);
  EXPECT_EQ(messages(*failed, LogLevel::INFO), (std::vector<std::string>{"onFailure: alerts_demo failed"}));
  EXPECT_EQ(run_of(*failed, "onSuccess").state.current(), S::SKIPPED);
  EXPECT_EQ(run_of(*failed, "onFailure").branch, "afterExecution");
  auto ok = start("alerts_demo", {{"fail", false}});
  EXPECT_EQ(ok->state.current(), S::SUCCESS);
  EXPECT_EQ(messages(*ok, LogLevel::INFO), (std::vector<std::string>{"onSuccess: alerts_demo finished successfully"}));
  EXPECT_EQ(run_of(*ok, "broken").state.current(), S::FAILED);
}

TEST(SlaLoading, EachSlaIsCheckedWithItsPosition) {
  EXPECT_EQ(
      issue_lines(R"(id: slas
namespace: company.team
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
sla:
  - id: a
    type: MAX_TIME
  - id: b
    type: MAX_DURATION
    behavior: PANIC
    duration: soon
  - id: c
    type: EXECUTION_ASSERTION
    deadline: PT1M
  - just text
)"),
      (std::vector<std::string>{
          "sla[0].type 9:11 'type' must be MAX_DURATION or EXECUTION_ASSERTION, not 'MAX_TIME'",
          "sla[1].behavior 12:15 'behavior' must be FAIL, CANCEL or NONE, not 'PANIC'",
          "sla[1].duration 13:15 'duration' must be a positive ISO-8601 duration such as PT1H, not 'soon'",
          "sla[2].assert 14:5 missing required property 'assert'",
          "sla[2].deadline 16:5 unknown property 'deadline' of an SLA (id, type, behavior, duration, assert, labels)",
          "sla[3] 17:5 an SLA must be a mapping with an id and a type, not a string",
      }));
}

}  // namespace
}  // namespace runwatch::testing
