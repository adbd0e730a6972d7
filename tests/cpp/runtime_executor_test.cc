// Kestra's execution semantics: order, errors branches, allowFailure, retries, timeouts,
// kills, disabled tasks, flowable tasks. Time is driven by a manual clock.
#include "engine_fixture.h"

namespace runwatch::testing {
namespace {

using namespace std::chrono_literals;
using S = State;

TEST_F(EngineTest, TasksRunInOrderAndTheExecutionSucceeds) {
  add(R"(
id: ordered
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: two
  - id: third
    type: io.kestra.plugin.core.output.OutputValues
    values:
      three: 3
)");
  auto e = start("ordered");
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(states(e->state.history()), (std::vector<S>{S::CREATED, S::RUNNING, S::SUCCESS}));
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"first", "second", "third"}));
  for (const auto& tr : e->task_runs) {
    EXPECT_EQ(states(tr.state.history()), (std::vector<S>{S::CREATED, S::RUNNING, S::SUCCESS}));
    ASSERT_EQ(tr.attempts.size(), 1u);
    EXPECT_EQ(tr.attempts[0].state.current(), S::SUCCESS);
  }
  EXPECT_EQ(messages(*e, LogLevel::INFO), (std::vector<std::string>{"first: one"}));
  EXPECT_EQ(e->outputs(), Value::parse(R"({"second": {"value": "two"}, "third": {"values": {"three": 3}}})"));
  EXPECT_EQ(e->duration(), Duration::zero());
}

TEST_F(EngineTest, AFailedTaskRunsTheErrorsBranchAndTheExecutionEndsFailed) {
  add(R"(
id: failing
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: boom
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: not reached
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: alerting
  - id: alert2
    type: io.kestra.plugin.core.debug.Return
    format: second
)");
  auto e = start("failing");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"fail", "alert", "alert2"}));
  EXPECT_EQ(run_of(*e, "fail").state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "alert").state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*e, "alert").branch, "errors");
  EXPECT_EQ(messages(*e, LogLevel::ERROR), (std::vector<std::string>{"fail: boom"}));
}

TEST_F(EngineTest, AFailingErrorsBranchStillEndsFailedAndStopsAtItsFailure) {
  add(R"(
id: failing_errors
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
errors:
  - id: alert_fails
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: alert channel down
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: not reached
)");
  auto e = start("failing_errors");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"fail", "alert_fails"}));
  EXPECT_EQ(messages(*e, LogLevel::ERROR),
            (std::vector<std::string>{"fail: Task failure", "alert_fails: alert channel down"}));
}

TEST_F(EngineTest, AllowFailureTurnsAFailureIntoWarningAndTheFlowGoesOn) {
  add(R"(
id: tolerant
namespace: company.team
tasks:
  - id: flaky
    type: io.kestra.plugin.core.execution.Fail
    allowFailure: true
  - id: next
    type: io.kestra.plugin.core.log.Log
    message: went on
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: not run for a warning
)");
  auto e = start("tolerant");
  EXPECT_EQ(e->state.current(), S::WARNING);
  EXPECT_EQ(run_of(*e, "flaky").state.current(), S::WARNING);
  EXPECT_EQ(run_of(*e, "flaky").attempts[0].state.current(), S::FAILED);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"flaky", "next"}));
}

TEST_F(EngineTest, AllowWarningTurnsAWarningIntoSuccess) {
  add(R"(
id: warn_ok
namespace: company.team
tasks:
  - id: tolerant
    type: io.kestra.plugin.core.flow.AllowFailure
    allowWarning: true
    tasks:
      - id: fail
        type: io.kestra.plugin.core.execution.Fail
)");
  auto e = start("warn_ok");
  EXPECT_EQ(run_of(*e, "fail").state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "tolerant").state.current(), S::SUCCESS);
  EXPECT_EQ(e->state.current(), S::SUCCESS);
}

TEST_F(EngineTest, ConstantRetryRecordsEveryAttemptThenFails) {
  add(R"(
id: retried
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    retry:
      type: constant
      interval: PT10S
      maxAttempt: 3
)");
  auto e = start("retried");
  const auto& first = run_of(*e, "fail");
  EXPECT_EQ(first.state.current(), S::RETRYING);
  EXPECT_EQ(first.attempts.size(), 1u);
  EXPECT_EQ(e->state.current(), S::RUNNING);

  advance(9s);
  EXPECT_EQ(run_of(*latest(e), "fail").attempts.size(), 1u);
  advance(1s);
  EXPECT_EQ(run_of(*latest(e), "fail").attempts.size(), 2u);
  advance(10s);
  auto done = latest(e);
  const auto& run = run_of(*done, "fail");
  EXPECT_EQ(done->state.current(), S::FAILED);
  ASSERT_EQ(run.attempts.size(), 3u);
  for (const auto& a : run.attempts) EXPECT_EQ(a.state.current(), S::FAILED);
  EXPECT_EQ(run.attempts[1].state.start_date() - run.attempts[0].state.start_date(), 10s);
  EXPECT_EQ(run.attempts[2].state.start_date() - run.attempts[1].state.start_date(), 10s);
  EXPECT_EQ(states(run.state.history()),
            (std::vector<S>{S::CREATED, S::RUNNING, S::RETRYING, S::RUNNING, S::RETRYING, S::RUNNING, S::FAILED}));
}

TEST_F(EngineTest, ExponentialRetryDoublesTheIntervalUpToItsCap) {
  add(R"(
id: expo
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    retry:
      type: exponential
      interval: PT1S
      maxInterval: PT3S
      maxAttempt: 4
)");
  auto e = start("expo");
  for (int i = 0; i < 10; ++i) advance(1s);
  auto done = latest(e);
  const auto& attempts = run_of(*done, "fail").attempts;
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(attempts[1].state.start_date() - attempts[0].state.start_date(), 1s);
  EXPECT_EQ(attempts[2].state.start_date() - attempts[1].state.start_date(), 2s);
  EXPECT_EQ(attempts[3].state.start_date() - attempts[2].state.start_date(), 3s);
  EXPECT_EQ(done->state.current(), S::FAILED);
}

TEST_F(EngineTest, RetryStopsWhenTheNextAttemptWouldPassMaxDuration) {
  add(R"(
id: bounded
namespace: company.team
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    retry:
      type: constant
      interval: PT2S
      maxDuration: PT5S
)");
  auto e = start("bounded");
  for (int i = 0; i < 8; ++i) advance(1s);
  auto done = latest(e);
  EXPECT_EQ(run_of(*done, "fail").attempts.size(), 3u);  // at 0s, 2s, 4s; 6s is past 5s
  EXPECT_EQ(done->state.current(), S::FAILED);
}

TEST_F(EngineTest, ATimeoutFailsTheTaskAndStopsIt) {
  add(R"(
id: slow
namespace: company.team
tasks:
  - id: sleep
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1M
    timeout: PT10S
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: timed out
)");
  auto e = start("slow");
  EXPECT_EQ(run_of(*e, "sleep").state.current(), S::RUNNING);
  advance(10s);
  auto done = latest(e);
  EXPECT_EQ(done->state.current(), S::FAILED);
  EXPECT_EQ(run_of(*done, "sleep").state.current(), S::FAILED);
  EXPECT_TRUE(ran(*done, "alert"));
  EXPECT_EQ(messages(*done, LogLevel::ERROR).front(), "sleep: Timeout after PT10S");
}

TEST_F(EngineTest, KillingStopsRunningTasksAndEndsKilled) {
  add(R"(
id: long
namespace: company.team
tasks:
  - id: sleep
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: not reached
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: not run on kill
)");
  auto e = start("long");
  ASSERT_TRUE(engine.kill(e->id));
  settle();
  auto done = latest(e);
  EXPECT_EQ(done->state.current(), S::KILLED);
  EXPECT_EQ(states(done->state.history()), (std::vector<S>{S::CREATED, S::RUNNING, S::KILLING, S::KILLED}));
  EXPECT_EQ(task_order(*done), (std::vector<std::string>{"sleep"}));
  EXPECT_EQ(run_of(*done, "sleep").state.current(), S::KILLED);
  EXPECT_EQ(run_of(*done, "sleep").attempts[0].state.current(), S::KILLED);
  EXPECT_FALSE(engine.kill(e->id));
}

TEST_F(EngineTest, DisabledTasksAreSkippedAndRunIfFalseSkipsTheTask) {
  add(R"(
id: skipping
namespace: company.team
tasks:
  - id: off
    type: io.kestra.plugin.core.execution.Fail
    disabled: true
  - id: not_now
    type: io.kestra.plugin.core.execution.Fail
    runIf: "false"
  - id: on
    type: io.kestra.plugin.core.log.Log
    message: ran
)");
  auto e = start("skipping");
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"not_now", "on"}));
  EXPECT_EQ(run_of(*e, "not_now").state.current(), S::SKIPPED);
}

TEST_F(EngineTest, ParallelRunsChildrenTogetherAndConcurrentLimitsThem) {
  add(R"(
id: fanout
namespace: company.team
tasks:
  - id: all
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - {id: a, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S}
      - {id: b, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S}
      - {id: c, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S}
  - id: two_at_a_time
    type: io.kestra.plugin.core.flow.Parallel
    concurrent: 2
    tasks:
      - {id: d, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S}
      - {id: e, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S}
      - {id: f, type: io.kestra.plugin.core.flow.Sleep, duration: PT10S}
)");
  auto e = start("fanout");
  for (auto id : {"a", "b", "c"}) EXPECT_EQ(run_of(*e, id).state.current(), S::RUNNING) << id;
  advance(10s);
  auto mid = latest(e);
  EXPECT_EQ(run_of(*mid, "all").state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*mid, "d").state.current(), S::RUNNING);
  EXPECT_EQ(run_of(*mid, "e").state.current(), S::RUNNING);
  EXPECT_FALSE(ran(*mid, "f"));
  advance(10s);
  EXPECT_EQ(run_of(*latest(e), "f").state.current(), S::RUNNING);
  advance(10s);
  auto done = latest(e);
  EXPECT_EQ(done->state.current(), S::SUCCESS);
  EXPECT_EQ(done->duration(), 30s);
  EXPECT_EQ(run_of(*done, "a").parent_task_run_id, run_of(*done, "all").id);
}

TEST_F(EngineTest, AFailedParallelChildFailsTheParentAfterTheOthersEnd) {
  add(R"(
id: parallel_fail
namespace: company.team
tasks:
  - id: all
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - {id: slow, type: io.kestra.plugin.core.flow.Sleep, duration: PT5S}
      - {id: bad, type: io.kestra.plugin.core.execution.Fail}
  - id: never
    type: io.kestra.plugin.core.log.Log
    message: not reached
)");
  auto e = start("parallel_fail");
  EXPECT_EQ(run_of(*e, "bad").state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "all").state.current(), S::RUNNING);
  advance(5s);
  auto done = latest(e);
  EXPECT_EQ(run_of(*done, "slow").state.current(), S::SUCCESS);
  EXPECT_EQ(run_of(*done, "all").state.current(), S::FAILED);
  EXPECT_EQ(done->state.current(), S::FAILED);
  EXPECT_FALSE(ran(*done, "never"));
}

TEST_F(EngineTest, IfRunsThenOrElse) {
  add(R"(
id: branching
namespace: company.team
inputs:
  - id: go
    type: STRING
tasks:
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "true"
    then:
      - {id: yes, type: io.kestra.plugin.core.log.Log, message: "then"}
    else:
      - {id: no, type: io.kestra.plugin.core.log.Log, message: "else"}
  - id: check_false
    type: io.kestra.plugin.core.flow.If
    condition: "false"
    then:
      - {id: yes2, type: io.kestra.plugin.core.log.Log, message: "then"}
)");
  auto e = start("branching", {{"go", "x"}});
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"check", "yes", "check_false"}));
  EXPECT_EQ(run_of(*e, "yes").branch, "then");
}

TEST_F(EngineTest, SwitchRunsTheMatchingCaseOrTheDefaults) {
  add(R"(
id: switching
namespace: company.team
tasks:
  - id: pick
    type: io.kestra.plugin.core.flow.Switch
    value: SECOND
    cases:
      FIRST:
        - {id: one, type: io.kestra.plugin.core.log.Log, message: "1"}
      SECOND:
        - {id: two, type: io.kestra.plugin.core.log.Log, message: "2"}
    defaults:
      - {id: other, type: io.kestra.plugin.core.log.Log, message: "?"}
  - id: fallback
    type: io.kestra.plugin.core.flow.Switch
    value: NONE
    cases:
      FIRST:
        - {id: one_again, type: io.kestra.plugin.core.log.Log, message: "1"}
    defaults:
      - {id: default, type: io.kestra.plugin.core.log.Log, message: "?"}
)");
  auto e = start("switching");
  EXPECT_EQ(task_order(*e), (std::vector<std::string>{"pick", "two", "fallback", "default"}));
  EXPECT_EQ(run_of(*e, "pick").outputs, Value::parse(R"({"value": "SECOND", "defaults": false})"));
  EXPECT_EQ(run_of(*e, "fallback").outputs, Value::parse(R"({"value": "NONE", "defaults": true})"));
}

TEST_F(EngineTest, SequentialWithLocalErrorsEndsFailedLikeKestra) {
  // Kestra's own flow and expectation (SequentialTest: 6 task runs, FAILED).
  add(R"(
id: sequential-with-local-errors
namespace: company.team
tasks:
  - id: parent-seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - {id: t1, type: io.kestra.plugin.core.debug.Return, format: "t1"}
      - id: t2_seq
        type: io.kestra.plugin.core.flow.Sequential
        tasks:
          - {id: t2-t1, type: io.kestra.plugin.core.execution.Fail}
          - {id: t2-t2, type: io.kestra.plugin.core.debug.Return, format: "x"}
        errors:
          - {id: error-t1, type: io.kestra.plugin.core.debug.Return, format: "e1"}
          - {id: error-t2, type: io.kestra.plugin.core.debug.Return, format: "e2"}
)");
  auto e = start("sequential-with-local-errors");
  EXPECT_EQ(e->state.current(), S::FAILED);
  EXPECT_EQ(task_order(*e),
            (std::vector<std::string>{"parent-seq", "t1", "t2_seq", "t2-t1", "error-t1", "error-t2"}));
  EXPECT_EQ(run_of(*e, "t2_seq").state.current(), S::FAILED);
  EXPECT_EQ(run_of(*e, "error-t1").parent_task_run_id, run_of(*e, "t2_seq").id);
}

TEST_F(EngineTest, AllowFailureFlowableEndsWarningAndTheFlowGoesOn) {
  add(R"(
id: allow
namespace: company.team
tasks:
  - id: guard
    type: io.kestra.plugin.core.flow.AllowFailure
    tasks:
      - {id: bad, type: io.kestra.plugin.core.execution.Fail}
  - {id: after, type: io.kestra.plugin.core.log.Log, message: "went on"}
)");
  auto e = start("allow");
  EXPECT_EQ(run_of(*e, "guard").state.current(), S::WARNING);
  EXPECT_EQ(e->state.current(), S::WARNING);
  EXPECT_TRUE(ran(*e, "after"));
}

TEST_F(EngineTest, LabelsTaskSetsExecutionLabels) {
  add(R"(
id: labelled
namespace: company.team
labels:
  team: data
tasks:
  - id: tag
    type: io.kestra.plugin.core.execution.Labels
    labels:
      team: platform
      stage: prod
)");
  auto e = start("labelled");
  EXPECT_EQ(e->labels, (std::vector<Label>{{"team", "platform"}, {"stage", "prod"}}));
}

TEST_F(EngineTest, LogLevelDropsLinesBelowIt) {
  add(R"(
id: quiet
namespace: company.team
tasks:
  - id: chatty
    type: io.kestra.plugin.core.log.Log
    logLevel: WARN
    message: dropped
    level: INFO
  - id: loud
    type: io.kestra.plugin.core.log.Log
    logLevel: WARN
    level: ERROR
    message: kept
)");
  auto e = start("quiet");
  ASSERT_EQ(e->logs.size(), 1u);
  EXPECT_EQ(e->logs[0].message, "kept");
}

TEST_F(EngineTest, InputsAreTypedWithDefaults) {
  add(R"(
id: typed
namespace: company.team
inputs:
  - {id: count, type: INT, min: 1, max: 10}
  - {id: ratio, type: FLOAT, defaults: 0.5}
  - {id: enabled, type: BOOLEAN}
  - {id: at, type: DATETIME}
  - {id: every, type: DURATION, defaults: PT90S}
  - {id: payload, type: JSON}
  - {id: nested.name, type: STRING, defaults: deep}
  - {id: optional, type: STRING, required: false}
tasks:
  - {id: t, type: io.kestra.plugin.core.log.Log, message: x}
)");
  auto e = start("typed", {{"count", "7"}, {"enabled", "true"}, {"at", "2024-01-31T10:00:00+02:00"},
                           {"payload", R"({"a": [1, 2]})"}});
  EXPECT_EQ(e->state.current(), S::SUCCESS);
  EXPECT_EQ(e->inputs, Value::parse(R"({"count": 7, "ratio": 0.5, "enabled": true,
    "at": "2024-01-31T08:00:00Z", "every": "PT1M30S", "payload": {"a": [1, 2]},
    "nested": {"name": "deep"}, "optional": null})"));
}

TEST_F(EngineTest, BadInputsAreRefusedWithTheInputNamed) {
  add(R"(
id: strict
namespace: company.team
inputs:
  - {id: count, type: INT, max: 10}
  - {id: code, type: STRING, validator: "A\\d+", required: false}
  - {id: color, type: ENUM, values: [RED, BLUE], required: false}
tasks:
  - {id: t, type: io.kestra.plugin.core.log.Log, message: x}
)");
  auto error_of = [&](const Value& inputs) {
    try {
      engine.submit("company.team", "strict", inputs);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error_of(Value::object()), "Missing required input 'count' (INT)");
  EXPECT_EQ(error_of({{"count", "seven"}}), "Invalid input 'count' (INT): expected an integer, got \"seven\"");
  EXPECT_EQ(error_of({{"count", 11}}), "Invalid input 'count' (INT): 11 is above the maximum 10");
  EXPECT_EQ(error_of({{"count", 1}, {"code", "B1"}}),
            "Invalid input 'code' (STRING): 'B1' does not match the validator A\\d+");
  EXPECT_EQ(error_of({{"count", 1}, {"color", "GREEN"}}),
            "Invalid input 'color' (ENUM): 'GREEN' is not one of [\"RED\",\"BLUE\"]");
  EXPECT_EQ(engine.executions().size(), 0u);  // nothing recorded for a refused execution
}

TEST_F(EngineTest, UndeclaredInputsAreIgnoredWithAWarning) {
  add(R"(
id: plain
namespace: company.team
tasks:
  - {id: t, type: io.kestra.plugin.core.log.Log, message: x}
)");
  auto e = start("plain", {{"extra", 1}});
  EXPECT_EQ(messages(*e, LogLevel::WARN), (std::vector<std::string>{": input 'extra' is not declared by the flow; ignored"}));
}

TEST_F(EngineTest, UnknownAndDisabledFlowsAreRefused) {
  EXPECT_THROW(engine.submit("company.team", "missing"), NotFoundError);
  add(R"(
id: off
namespace: company.team
disabled: true
tasks:
  - {id: t, type: io.kestra.plugin.core.log.Log, message: x}
)");
  EXPECT_THROW(engine.submit("company.team", "off"), Error);
}

TEST_F(EngineTest, ChangingAFlowBumpsItsRevision) {
  const std::string v1 = "id: rev\nnamespace: company.team\ntasks:\n  - {id: t, type: io.kestra.plugin.core.log.Log, message: a}\n";
  const std::string v2 = "id: rev\nnamespace: company.team\ntasks:\n  - {id: t, type: io.kestra.plugin.core.log.Log, message: b}\n";
  EXPECT_EQ(engine.add_flow(v1)->revision, 1);
  EXPECT_EQ(engine.add_flow(v1)->revision, 1);
  EXPECT_EQ(engine.add_flow(v2)->revision, 2);
  auto e = start("rev");
  EXPECT_EQ(e->flow_revision, 2);
}

TEST_F(EngineTest, ExecutionsAreListedAndFiltered) {
  add("id: ok\nnamespace: company.team\ntasks:\n  - {id: t, type: io.kestra.plugin.core.log.Log, message: a}\n");
  add("id: ko\nnamespace: company.team\ntasks:\n  - {id: t, type: io.kestra.plugin.core.execution.Fail}\n");
  start("ok");
  start("ko");
  start("ok");
  EXPECT_EQ(engine.executions().size(), 3u);
  EXPECT_EQ(engine.executions({std::nullopt, std::string("ok"), std::nullopt}).size(), 2u);
  EXPECT_EQ(engine.executions({std::nullopt, std::nullopt, S::FAILED}).size(), 1u);
  EXPECT_EQ(engine.executions({std::string("other"), std::nullopt, std::nullopt}).size(), 0u);
}

}  // namespace
}  // namespace runwatch::testing
