"""The Engine and Execution API: example flows, state histories, manual-clock time,
retries, timeouts, kill, listing executions, stopping, and the Flow model."""

from __future__ import annotations

import datetime as dt
import time

import pytest

import runwatch
from conftest import CORPUS, EXAMPLES, PROMPT, START, flow_yaml, poll

UTC = dt.timezone.utc
SECOND = dt.timedelta(seconds=1)

SLEEP_30 = """
id: nap
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
"""


def states(history):
    return [state for state, _ in history]


# --- the package itself -------------------------------------------------------------


def test_tests_run_against_the_installed_package():
    assert "site-packages" in runwatch.__file__


def test_public_names_are_exported():
    for name in ("Engine", "Execution", "Flow", "ManualClock", "task", "Error", "FlowValidationError",
                 "InputError", "NotFoundError", "ExecutionTimeout", "ValidationIssue", "TaskContext"):
        assert hasattr(runwatch, name), name
    assert runwatch.__version__ == "0.1.0"


# --- the example flows --------------------------------------------------------------


@pytest.fixture
def examples(engine):
    engine.load_flows(EXAMPLES)
    return engine


def test_hello_example_succeeds_with_commands_outputs(examples):
    execution = examples.run("company.team", "hello", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.outputs["shell"] == {"vars": {"answer": 42}, "exitCode": 0}
    assert execution.outputs["result"] == {"value": "done"}
    assert [r.task_id for r in execution.task_runs] == ["greet", "shell", "result"]
    assert all(r.state == "SUCCESS" for r in execution.task_runs)


def test_hello_example_takes_the_input_default_and_flow_labels(examples):
    execution = examples.run("company.team", "hello", timeout=PROMPT)
    assert execution.inputs == {"name": "world"}
    assert execution.labels == {"team": "data"}
    assert execution.flow_revision == 1
    assert execution.trigger is None


def test_hello_example_renders_its_input_into_the_greeting(examples):
    execution = examples.run("company.team", "hello", inputs={"name": "runwatch"}, timeout=PROMPT)
    assert [(e.level, e.message) for e in execution.logs(task_id="greet")] == [("INFO", "Hello runwatch")]


def test_hello_example_logs_command_stdout_at_info(examples):
    execution = examples.run("company.team", "hello", timeout=PROMPT)
    shell = execution.logs(task_id="shell")
    assert [(e.level, e.message) for e in shell] == [("INFO", "running on Linux")]
    assert shell[0].task_run_id == execution.task_run("shell").id
    assert shell[0].attempt == 1
    assert shell[0].timestamp == START


def test_retry_then_warn_example_ends_warning_after_three_attempts(examples, clock):
    created = examples.run("company.team", "retry_then_warn", wait=False)
    for _ in range(2):
        assert examples.wait_idle(timeout=PROMPT)
        clock.advance(0.1)
    execution = examples.wait(created.id, timeout=PROMPT)
    assert execution.state == "WARNING"
    flaky = execution.task_run("flaky")
    assert flaky.state == "WARNING"
    assert len(flaky.attempts) == 3
    assert [a.state for a in flaky.attempts] == ["FAILED"] * 3
    assert execution.task_run("after").state == "SUCCESS"
    assert [e.message for e in execution.logs(level="ERROR")] == ["upstream API answered 503"] * 3


def test_on_failure_example_fails_and_runs_the_errors_branch(examples):
    execution = examples.run("company.team", "on_failure", timeout=PROMPT)
    assert execution.state == "FAILED"
    extract = execution.task_run("extract")
    assert extract.state == "FAILED"
    assert extract.outputs == {"vars": {}, "exitCode": 3}
    assert execution.task_run("alert").state == "SUCCESS"
    assert [(e.level, e.task_id, e.message) for e in execution.logs()] == [
        ("INFO", "extract", "extracting"),
        ("WARN", "extract", "disk full"),
        ("ERROR", "extract", "Command failed with code 3"),
        ("ERROR", "alert", "Failure alert for flow company.team.on_failure"),
    ]


# --- executions: snapshots, histories, dates ----------------------------------------


def test_run_without_wait_returns_the_created_snapshot(engine, add):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    assert created.state == "CREATED"
    assert states(created.state_history) == ["CREATED"]
    assert created.task_runs == []
    assert created.end_date is None
    assert created.duration is None
    assert not created.is_terminal


def test_state_history_of_a_successful_run(engine, add, clock):
    add(SLEEP_30)
    execution = engine.run("company.team", "nap", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    clock_end = START + 30 * SECOND
    assert engine.execution(execution.id).state == "RUNNING"
    clock.advance(30)
    done = engine.wait(execution.id, timeout=PROMPT)
    assert done.state_history == [("CREATED", START), ("RUNNING", START), ("SUCCESS", clock_end)]
    run = done.task_run("nap")
    assert run.state_history == [("CREATED", START), ("RUNNING", START), ("SUCCESS", clock_end)]
    assert run.attempts[0].state_history == [("RUNNING", START), ("SUCCESS", clock_end)]


def test_sleep_duration_is_exactly_the_time_the_clock_advanced(engine, add, clock):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    clock.advance(seconds=30)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.duration == dt.timedelta(seconds=30)
    assert execution.start_date == START
    assert execution.end_date == START + 30 * SECOND


def test_dates_are_utc_aware(engine, add, clock):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    engine.wait_idle(timeout=PROMPT)
    clock.advance(30)
    execution = engine.wait(created.id, timeout=PROMPT)
    dates = [execution.start_date, execution.end_date, *[d for _, d in execution.state_history]]
    run = execution.task_runs[0]
    dates += [run.start_date, run.end_date, run.attempts[0].start_date, run.attempts[0].end_date]
    dates += [e.timestamp for e in execution.logs()]
    assert all(d.utcoffset() == dt.timedelta(0) for d in dates)


def test_sleep_does_not_end_before_the_clock_reaches_its_deadline(engine, add, clock):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    clock.advance(29.999)
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.execution(created.id).state == "RUNNING"
    clock.advance(0.001)
    assert engine.wait(created.id, timeout=PROMPT).state == "SUCCESS"


def test_clock_set_moves_time_to_a_given_instant(engine, add, clock):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    engine.wait_idle(timeout=PROMPT)
    clock.set(START + dt.timedelta(minutes=1))
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.end_date == START + dt.timedelta(minutes=1)


def test_wait_timeout_raises_execution_timeout_with_the_latest_snapshot(engine, add):
    add(SLEEP_30)
    with pytest.raises(runwatch.ExecutionTimeout) as info:
        engine.run("company.team", "nap", timeout=0.05)
    assert isinstance(info.value, runwatch.Error)
    assert isinstance(info.value, TimeoutError)
    assert info.value.execution.state == "RUNNING"
    assert f"execution {info.value.execution.id} is still RUNNING after 0.05 s" == str(info.value)


def test_negative_wait_timeout_is_a_value_error(engine, add):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    with pytest.raises(ValueError, match="timeout must be >= 0"):
        engine.wait(created.id, timeout=-1)


def test_run_labels_are_added_to_and_override_flow_labels(engine, add):
    add("""
        id: labelled
        namespace: company.team
        labels:
          team: data
          env: prod
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            message: hi
        """)
    execution = engine.run("company.team", "labelled", labels={"env": "dev", "owner": "ana"}, timeout=PROMPT)
    assert execution.labels == {"team": "data", "env": "dev", "owner": "ana"}


def test_execution_task_run_of_a_task_that_did_not_run_is_a_key_error(engine, add):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    with pytest.raises(KeyError, match="no task run for task 'ghost'"):
        created.task_run("ghost")


def test_logs_filter_by_minimum_level_and_task(engine, add):
    add("""
        id: levels
        namespace: company.team
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            level: DEBUG
            message: [one, two]
          - id: b
            type: io.kestra.plugin.core.log.Log
            level: WARN
            message: three
          - id: c
            type: io.kestra.plugin.core.log.Log
            level: ERROR
            message: four
        """)
    execution = engine.run("company.team", "levels", timeout=PROMPT)
    assert [e.message for e in execution.logs()] == ["one", "two", "three", "four"]
    assert [e.message for e in execution.logs(level="WARN")] == ["three", "four"]
    assert [e.message for e in execution.logs(level="warning")] == ["three", "four"]
    assert [e.message for e in execution.logs(level="ERROR", task_id="b")] == []
    assert [e.message for e in execution.logs(task_id="a")] == ["one", "two"]
    with pytest.raises(ValueError, match="unknown log level 'LOUD'"):
        execution.logs(level="LOUD")


def test_task_log_level_drops_lower_lines(engine, add):
    add("""
        id: quiet
        namespace: company.team
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            level: INFO
            logLevel: WARN
            message: dropped
        """)
    execution = engine.run("company.team", "quiet", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.logs() == []


# --- flowable tasks ------------------------------------------------------------------


def test_parallel_children_have_the_parallel_task_run_as_parent(engine, add):
    add("""
        id: par
        namespace: company.team
        tasks:
          - id: both
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: left
                type: io.kestra.plugin.core.debug.Return
                format: L
              - id: right
                type: io.kestra.plugin.core.debug.Return
                format: R
        """)
    execution = engine.run("company.team", "par", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    parent = execution.task_run("both")
    assert parent.parent_task_run_id == ""
    assert execution.task_run("left").parent_task_run_id == parent.id
    assert execution.task_run("right").parent_task_run_id == parent.id
    assert execution.outputs == {"left": {"value": "L"}, "right": {"value": "R"}}


def test_parallel_concurrency_limit_holds_back_children_until_others_end(engine, add, clock):
    children = "".join(f"      - id: s{i}\n        type: io.kestra.plugin.core.flow.Sleep\n"
                       f"        duration: PT10S\n" for i in range(4))
    engine.add_flow("id: limited\nnamespace: company.team\ntasks:\n  - id: p\n"
                    "    type: io.kestra.plugin.core.flow.Parallel\n    concurrent: 2\n    tasks:\n" + children)
    created = engine.run("company.team", "limited", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    assert [(r.task_id, r.state) for r in engine.execution(created.id).task_runs] == [
        ("p", "RUNNING"), ("s0", "RUNNING"), ("s1", "RUNNING")]
    clock.advance(10)
    assert engine.wait_idle(timeout=PROMPT)
    assert [(r.task_id, r.state) for r in engine.execution(created.id).task_runs] == [
        ("p", "RUNNING"), ("s0", "SUCCESS"), ("s1", "SUCCESS"), ("s2", "RUNNING"), ("s3", "RUNNING")]
    clock.advance(10)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.duration == dt.timedelta(seconds=20)
    assert execution.task_run("s3").start_date == START + 10 * SECOND


def test_allow_failure_task_turns_a_failed_child_into_warning(engine, add):
    add("""
        id: tolerant
        namespace: company.team
        tasks:
          - id: guard
            type: io.kestra.plugin.core.flow.AllowFailure
            tasks:
              - id: boom
                type: io.kestra.plugin.core.execution.Fail
                errorMessage: nope
          - id: next
            type: io.kestra.plugin.core.log.Log
            message: went on
        """)
    execution = engine.run("company.team", "tolerant", timeout=PROMPT)
    assert execution.state == "WARNING"
    assert execution.task_run("boom").state == "FAILED"
    assert execution.task_run("guard").state == "WARNING"
    assert execution.task_run("next").state == "SUCCESS"


def test_a_failed_task_stops_the_following_ones(engine, add):
    add("""
        id: stops
        namespace: company.team
        tasks:
          - id: boom
            type: io.kestra.plugin.core.execution.Fail
          - id: never
            type: io.kestra.plugin.core.log.Log
            message: unreachable
        """)
    execution = engine.run("company.team", "stops", timeout=PROMPT)
    assert execution.state == "FAILED"
    assert [r.task_id for r in execution.task_runs] == ["boom"]
    assert [e.message for e in execution.logs(level="ERROR")] == ["Task failure"]


def test_disabled_task_is_skipped_entirely(engine, add):
    add("""
        id: partial
        namespace: company.team
        tasks:
          - id: off
            type: io.kestra.plugin.core.execution.Fail
            disabled: true
          - id: on
            type: io.kestra.plugin.core.log.Log
            message: ran
        """)
    execution = engine.run("company.team", "partial", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert [r.task_id for r in execution.task_runs] == ["on"]


def test_if_with_a_false_condition_runs_else(engine, add):
    add("""
        id: choose
        namespace: company.team
        tasks:
          - id: check
            type: io.kestra.plugin.core.flow.If
            condition: "false"
            then:
              - id: yes
                type: io.kestra.plugin.core.debug.Return
                format: "yes"
            else:
              - id: no
                type: io.kestra.plugin.core.debug.Return
                format: "no"
        """)
    execution = engine.run("company.team", "choose", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert [r.task_id for r in execution.task_runs] == ["check", "no"]
    assert execution.outputs == {"no": {"value": "no"}}


def test_switch_runs_the_matching_case_and_reports_it(engine, add):
    add("""
        id: route
        namespace: company.team
        tasks:
          - id: pick
            type: io.kestra.plugin.core.flow.Switch
            value: SECOND
            cases:
              FIRST:
                - id: one
                  type: io.kestra.plugin.core.debug.Return
                  format: "1"
              SECOND:
                - id: two
                  type: io.kestra.plugin.core.debug.Return
                  format: "2"
            defaults:
              - id: other
                type: io.kestra.plugin.core.debug.Return
                format: "?"
        """)
    execution = engine.run("company.team", "route", timeout=PROMPT)
    assert [r.task_id for r in execution.task_runs] == ["pick", "two"]
    assert execution.outputs["pick"] == {"value": "SECOND", "defaults": False}


# --- retries on the manual clock -----------------------------------------------------

RETRIED = """
id: retried
namespace: company.team
tasks:
  - id: flaky
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: still down
    retry:
      type: constant
      interval: PT10S
      maxAttempt: 3
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: gave up
"""


def test_retry_waits_for_the_clock_between_attempts(engine, add, clock):
    add(RETRIED)
    created = engine.run("company.team", "retried", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    snapshot = engine.execution(created.id)
    assert snapshot.state == "RUNNING"
    flaky = snapshot.task_run("flaky")
    assert flaky.state == "RETRYING"
    assert len(flaky.attempts) == 1
    clock.advance(9)
    assert engine.wait_idle(timeout=PROMPT)
    assert len(engine.execution(created.id).task_run("flaky").attempts) == 1
    clock.advance(1)
    assert engine.wait_idle(timeout=PROMPT)
    assert len(engine.execution(created.id).task_run("flaky").attempts) == 2


def test_retries_exhausted_fail_the_task_and_run_the_errors_branch(engine, add, clock):
    add(RETRIED)
    created = engine.run("company.team", "retried", wait=False)
    for _ in range(2):
        assert engine.wait_idle(timeout=PROMPT)
        clock.advance(10)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "FAILED"
    flaky = execution.task_run("flaky")
    assert flaky.state == "FAILED"
    assert [a.start_date for a in flaky.attempts] == [START, START + 10 * SECOND, START + 20 * SECOND]
    assert [e.attempt for e in execution.logs(task_id="flaky")] == [1, 2, 3]
    assert states(flaky.state_history) == ["CREATED", "RUNNING", "RETRYING", "RUNNING", "RETRYING", "RUNNING", "FAILED"]
    assert execution.task_run("alert").state == "SUCCESS"
    assert execution.duration == dt.timedelta(seconds=20)


# --- timeouts on the manual clock ----------------------------------------------------


def test_timeout_fails_a_sleeping_task_when_the_clock_reaches_it(engine, add, clock):
    add("""
        id: slow
        namespace: company.team
        tasks:
          - id: nap
            type: io.kestra.plugin.core.flow.Sleep
            duration: PT1H
            timeout: PT10S
        """)
    created = engine.run("company.team", "slow", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    clock.advance(10)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "FAILED"
    assert execution.task_run("nap").state == "FAILED"
    assert execution.end_date == START + 10 * SECOND
    assert [(e.level, e.message) for e in execution.logs(level="ERROR")][0] == ("ERROR", "Timeout after PT10S")


def test_timed_out_attempt_is_retried(engine, add, clock):
    add("""
        id: slow_retry
        namespace: company.team
        tasks:
          - id: nap
            type: io.kestra.plugin.core.flow.Sleep
            duration: PT1H
            timeout: PT10S
            retry:
              type: constant
              interval: PT5S
              maxAttempt: 2
        """)
    created = engine.run("company.team", "slow_retry", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    clock.advance(10)  # attempt 1 times out
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.execution(created.id).task_run("nap").state == "RETRYING"
    clock.advance(5)  # attempt 2 starts
    assert engine.wait_idle(timeout=PROMPT)
    clock.advance(10)  # attempt 2 times out
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "FAILED"
    assert [a.state for a in execution.task_run("nap").attempts] == ["FAILED", "FAILED"]
    assert execution.end_date == START + 25 * SECOND


# --- kill -----------------------------------------------------------------------------


def test_kill_a_running_sleep_ends_killed(engine, add):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.kill(created.id) is True
    execution = engine.wait(created.id, timeout=5)
    assert execution.state == "KILLED"
    assert states(execution.state_history) == ["CREATED", "RUNNING", "KILLING", "KILLED"]
    run = execution.task_run("nap")
    assert run.state == "KILLED"
    assert run.attempts[-1].state == "KILLED"
    assert ("WARN", "Execution killed") in [(e.level, e.message) for e in execution.logs()]


def test_kill_right_after_submitting_ends_killed(engine, add):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    assert engine.kill(created.id) is True
    execution = engine.wait(created.id, timeout=5)
    assert execution.state == "KILLED"
    assert [(r.task_id, r.state) for r in execution.task_runs] == [("nap", "KILLED")]


def test_kill_a_finished_or_unknown_execution_returns_false(engine, add, clock):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    engine.wait_idle(timeout=PROMPT)
    clock.advance(30)
    engine.wait(created.id, timeout=PROMPT)
    assert engine.kill(created.id) is False
    assert engine.kill("no-such-execution") is False


def test_kill_a_retrying_task_ends_killed_without_another_attempt(engine, add, clock):
    add(RETRIED)
    created = engine.run("company.team", "retried", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.kill(created.id)
    execution = engine.wait(created.id, timeout=5)
    assert execution.state == "KILLED"
    assert len(execution.task_run("flaky").attempts) == 1
    clock.advance(60)
    assert engine.wait_idle(timeout=PROMPT)
    after = engine.execution(created.id)
    assert len(after.task_run("flaky").attempts) == 1
    assert [r.task_id for r in after.task_runs] == ["flaky"]  # the errors branch does not run on kill


ENDLESS_RENDER = flow_yaml("""
    id: endless
    namespace: company.team
    tasks:
      - id: say
        type: io.kestra.plugin.core.log.Log
        message: "{% for i in range(1, 1000000) %}{% for j in range(1, 1000000) %}{% endfor %}{% endfor %}"
    """)


def test_a_render_past_its_budget_fails_the_task_and_the_engine_goes_on(clock):
    config = {"runwatch": {"template": {"render-timeout": "50ms"}}}
    with runwatch.Engine(config=config, clock=clock, worker_threads=2) as engine:
        engine.add_flow(ENDLESS_RENDER)
        execution = engine.run("company.team", "endless", timeout=PROMPT)
        assert execution.state == "FAILED"
        errors = [e.message for e in execution.logs(level="ERROR")]
        assert any("Rendering took longer than its time budget" in m for m in errors), errors


def test_kill_stops_a_task_still_rendering_its_properties(engine):
    engine.add_flow(ENDLESS_RENDER)  # the default budget is 10 s: only the kill ends it sooner
    created = engine.run("company.team", "endless", wait=False)
    assert poll(lambda: engine.execution(created.id).state == "RUNNING")
    assert engine.kill(created.id)
    execution = engine.wait(created.id, timeout=5)
    assert execution.state == "KILLED"


def test_kill_a_running_shell_command_stops_its_process_promptly(clock, tmp_path):
    started = tmp_path / "started"
    flow = flow_yaml(f"""
        id: long_shell
        namespace: company.team
        tasks:
          - id: wait
            type: io.kestra.plugin.scripts.shell.Commands
            commands:
              - touch {started}
              - sleep 30
        """)
    begin = time.monotonic()
    with runwatch.Engine(clock=clock, worker_threads=2) as engine:
        engine.add_flow(flow)
        created = engine.run("company.team", "long_shell", wait=False)
        assert poll(started.exists), "the shell never started"
        assert engine.kill(created.id)
        execution = engine.wait(created.id, timeout=5)
        assert execution.state == "KILLED"
        assert execution.task_run("wait").state == "KILLED"
    assert time.monotonic() - begin < 10


# --- listing and finding ----------------------------------------------------------------


def test_execution_by_id_and_not_found(engine, add):
    add(SLEEP_30)
    created = engine.run("company.team", "nap", wait=False)
    assert engine.execution(created.id).id == created.id
    with pytest.raises(runwatch.NotFoundError, match="Execution 'nope' not found"):
        engine.execution("nope")
    with pytest.raises(runwatch.NotFoundError, match="Execution 'nope' not found"):
        engine.wait("nope", timeout=1)


def test_executions_filter_by_namespace_flow_and_state(engine, add, clock):
    add(SLEEP_30)
    add("""
        id: quick
        namespace: other.team
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            message: hi
        """)
    sleeping = engine.run("company.team", "nap", wait=False)
    quick = engine.run("other.team", "quick", timeout=PROMPT)
    engine.wait_idle(timeout=PROMPT)
    assert [e.id for e in engine.executions()] == [sleeping.id, quick.id]
    assert [e.id for e in engine.executions(namespace="other.team")] == [quick.id]
    assert [e.id for e in engine.executions(flow_id="nap")] == [sleeping.id]
    assert [e.id for e in engine.executions(state="RUNNING")] == [sleeping.id]
    assert [e.id for e in engine.executions(state="SUCCESS")] == [quick.id]
    assert engine.executions(namespace="company.team", flow_id="quick") == []
    with pytest.raises(ValueError, match="unknown state 'DONE'"):
        engine.executions(state="DONE")


def test_run_an_unknown_flow_is_not_found(engine):
    with pytest.raises(runwatch.NotFoundError, match="Flow 'company.team.ghost' not found"):
        engine.run("company.team", "ghost")


def test_run_a_disabled_flow_is_an_error(engine, add):
    add("""
        id: off
        namespace: company.team
        disabled: true
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            message: hi
        """)
    with pytest.raises(runwatch.Error, match="Flow 'company.team.off' is disabled"):
        engine.run("company.team", "off")


# --- wait_idle ---------------------------------------------------------------------------


def test_wait_idle_on_an_engine_with_nothing_to_do_is_true(engine):
    assert engine.wait_idle(timeout=PROMPT) is True


def test_wait_idle_is_false_while_a_shell_command_runs(engine, add):
    add("""
        id: busy
        namespace: company.team
        tasks:
          - id: wait
            type: io.kestra.plugin.scripts.shell.Commands
            commands: [sleep 30]
        """)
    created = engine.run("company.team", "busy", wait=False)
    assert engine.wait_idle(timeout=0.2) is False
    assert engine.kill(created.id)
    assert engine.wait(created.id, timeout=5).state == "KILLED"


# --- the engine's life -------------------------------------------------------------------


def test_stop_is_idempotent(clock):
    engine = runwatch.Engine(clock=clock, worker_threads=1)
    engine.stop()
    engine.stop()


def test_context_manager_exits_promptly_while_a_task_sleeps_on_the_manual_clock(clock):
    begin = time.monotonic()
    with runwatch.Engine(clock=clock, worker_threads=2) as engine:
        engine.add_flow(flow_yaml(SLEEP_30))
        engine.run("company.team", "nap", wait=False)
        assert engine.wait_idle(timeout=PROMPT)
    assert time.monotonic() - begin < 5


def test_run_after_stop_is_an_error(clock):
    engine = runwatch.Engine(clock=clock, worker_threads=1)
    engine.add_flow(flow_yaml(SLEEP_30))
    engine.stop()
    with pytest.raises(runwatch.Error, match="stopped") as info:
        engine.run("company.team", "nap", timeout=1)
    assert not isinstance(info.value, runwatch.ExecutionTimeout)


def test_worker_threads_is_what_was_asked(clock):
    with runwatch.Engine(clock=clock, worker_threads=3) as engine:
        assert engine.worker_threads == 3


def test_default_worker_threads_is_at_least_eight(clock):
    with runwatch.Engine(clock=clock) as engine:
        assert engine.worker_threads >= 8


def test_negative_worker_threads_is_a_value_error():
    with pytest.raises(ValueError, match="worker_threads must be >= 0"):
        runwatch.Engine(worker_threads=-1)


# --- the manual clock --------------------------------------------------------------------


def test_manual_clock_starts_where_told_and_advances():
    clock = runwatch.ManualClock(START)
    assert clock.now() == START
    clock.advance(seconds=90)
    assert clock.now() == START + dt.timedelta(seconds=90)


def test_manual_clock_treats_a_naive_start_as_utc():
    clock = runwatch.ManualClock(dt.datetime(2024, 1, 31, 10, 0, 0))
    assert clock.now() == START


def test_manual_clock_without_start_begins_now():
    before = dt.datetime.now(UTC)
    clock = runwatch.ManualClock()
    assert before - SECOND <= clock.now() <= dt.datetime.now(UTC) + SECOND


def test_manual_clock_refuses_to_go_backwards():
    clock = runwatch.ManualClock(START)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)
    clock.set(START - dt.timedelta(hours=1))  # ignored: never backwards
    assert clock.now() == START


# --- flows ------------------------------------------------------------------------------

FULL = """
id: full
namespace: company.team
description: Everything a flow carries.
labels:
  team: data
inputs:
  - id: limit
    type: INT
    defaults: 10
    description: How many.
  - id: who
    type: STRING
variables:
  region: eu
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: hi
  - id: branch
    type: io.kestra.plugin.core.flow.If
    condition: "true"
    then:
      - id: inner
        type: io.kestra.plugin.core.debug.Return
        format: x
errors:
  - id: alert
    type: io.kestra.core.tasks.log.Log
    message: failed
triggers:
  - id: hourly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
"""


def test_flow_from_yaml_exposes_every_part():
    flow = runwatch.Flow.from_yaml(flow_yaml(FULL))
    assert (flow.id, flow.namespace, flow.revision) == ("full", "company.team", 1)
    assert flow.description == "Everything a flow carries."
    assert flow.labels == {"team": "data"}
    assert flow.variables == {"region": "eu"}
    assert flow.inputs == [
        {"id": "limit", "type": "INT", "required": True, "defaults": 10, "description": "How many."},
        {"id": "who", "type": "STRING", "required": True, "defaults": None, "description": ""},
    ]
    assert [(t.id, t.type) for t in flow.tasks] == [
        ("first", "io.kestra.plugin.core.log.Log"),
        ("branch", "io.kestra.plugin.core.flow.If"),
    ]
    assert flow.tasks[0].properties == {"message": "hi", "level": "INFO"}
    assert list(flow.tasks[1].branches) == ["then"]
    assert [t.id for t in flow.tasks[1].branches["then"]] == ["inner"]
    assert [(t.id, t.type) for t in flow.errors] == [("alert", "io.kestra.plugin.core.log.Log")]
    assert [(t.id, t.type) for t in flow.triggers] == [("hourly", "io.kestra.plugin.core.trigger.Schedule")]
    assert flow.triggers[0].properties["cron"] == "0 * * * *"
    assert flow.source == flow_yaml(FULL)


def test_flow_from_file_records_its_file(flows_dir):
    path = str(flows_dir.write("full.yaml", FULL))
    flow = runwatch.Flow.from_file(path)
    assert flow.id == "full"
    assert flow.source_file == path


def test_flow_from_file_accepts_a_pathlib_path(flows_dir):
    path = flows_dir.write("full.yaml", FULL)
    assert runwatch.Flow.from_file(path).id == "full"


def test_flow_from_missing_file_is_a_validation_error(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_file(str(missing))
    assert [(i.file, i.message) for i in info.value.issues] == [(str(missing), "cannot read the file")]


def test_add_flow_returns_it_and_engine_finds_it(engine):
    flow = engine.add_flow(flow_yaml(FULL))
    assert engine.flow("company.team", "full").id == flow.id
    assert [f.id for f in engine.flows()] == ["full"]
    with pytest.raises(runwatch.NotFoundError, match=r"^Flow 'company.team.nope' not found$"):
        engine.flow("company.team", "nope")


def test_changing_a_flow_bumps_its_revision(engine):
    assert engine.add_flow(flow_yaml(SLEEP_30)).revision == 1
    assert engine.add_flow(flow_yaml(SLEEP_30)).revision == 1
    assert engine.add_flow(flow_yaml(SLEEP_30.replace("PT30S", "PT31S"))).revision == 2
    assert engine.flow("company.team", "nap").revision == 2


def test_a_deleted_flow_created_again_goes_on_from_its_deletion_revision(engine):
    engine.add_flow(flow_yaml(SLEEP_30))
    assert engine.remove_flow("company.team", "nap")
    assert not engine.remove_flow("company.team", "nap")
    # As Kestra: the deletion was revision 2.
    assert engine.add_flow(flow_yaml(SLEEP_30)).revision == 3


def test_load_flows_loads_every_file_of_a_folder(engine, flows_dir):
    flows_dir.write("a.yaml", SLEEP_30)
    flows_dir.write("sub/b.yml", FULL)
    flows_dir.write("notes.txt", "not a flow")
    loaded = engine.load_flows(flows_dir)
    assert sorted(f.id for f in loaded) == ["full", "nap"]
    assert sorted(f.id for f in engine.flows()) == ["full", "nap"]


def test_load_flows_of_a_single_file(engine, flows_dir):
    path = flows_dir.write("a.yaml", SLEEP_30)
    assert [f.id for f in engine.load_flows(str(path))] == ["nap"]


def test_load_flows_is_all_or_nothing_and_reports_every_file(engine, flows_dir):
    flows_dir.write("a_good.yaml", SLEEP_30)
    bad1 = flows_dir.write("b_bad.yaml", """
        id: bad1
        namespace: company.team
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
        """)
    bad2 = flows_dir.write("c_bad.yaml", """
        id: bad2
        namespace: company.team
        tasks:
          - id: a
            type: io.kestra.plugin.core.flow.Sleep
            duration: soon
        """)
    with pytest.raises(runwatch.FlowValidationError) as info:
        engine.load_flows(flows_dir)
    assert [(i.file, i.path, i.line) for i in info.value.issues] == [
        (str(bad1), "tasks[0].message", 4),
        (str(bad2), "tasks[0].duration", 6),
    ]
    assert engine.flows() == []


def test_load_flows_refuses_two_files_of_the_same_flow(engine, flows_dir):
    first = flows_dir.write("a.yaml", SLEEP_30)
    second = flows_dir.write("b.yaml", SLEEP_30.replace("PT30S", "PT31S"))
    with pytest.raises(runwatch.FlowValidationError) as info:
        engine.load_flows(flows_dir)
    assert [(i.file, i.path, i.message) for i in info.value.issues] == [
        (str(second), "id", f"flow 'company.team.nap' is already defined in {first}"),
    ]
    assert engine.flows() == []


# --- the Kestra corpus --------------------------------------------------------------------

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="Kestra corpus not available")


@needs_corpus
def test_corpus_minimal_flow_loads_from_file():
    flow = runwatch.Flow.from_file(str(CORPUS / "minimal.yaml"))
    assert (flow.id, flow.namespace, flow.revision) == ("minimal", "io.kestra.tests", 2)
    assert flow.labels == {"system.readOnly": "true"}
    assert [(t.id, t.type) for t in flow.tasks] == [("date", "io.kestra.plugin.core.debug.Return")]
    assert flow.tasks[0].properties == {"format": "{{taskrun.startDate}}"}


@needs_corpus
@pytest.mark.parametrize("name, task_ids", [
    ("parallel.yaml", ["parent", "last"]),
    ("sequential.yaml", ["1-seq", "2_end"]),
    ("if.yaml", ["parallel"]),
    ("switch.yaml", ["parent-seq"]),
    ("allow-failure.yaml", ["first", "switch"]),
    ("retry-fail.yaml", ["keepFailingWithRetry", "thisTaskShouldNotBeExecuted"]),
])
def test_corpus_flows_with_implemented_types_load(name, task_ids):
    flow = runwatch.Flow.from_file(str(CORPUS / name))
    assert [t.id for t in flow.tasks] == task_ids


@needs_corpus
def test_corpus_parallel_flow_runs(engine):
    engine.add_flow((CORPUS / "parallel.yaml").read_text())
    execution = engine.run("io.kestra.tests", "parallel", timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert len(execution.task_runs) == 8
    assert sorted(e.message for e in execution.logs(level="INFO")) == [f"t{i}" for i in range(1, 7)]
    assert execution.outputs["last"] == {"value": "last > 2024-01-31T10:00:00Z"}


@needs_corpus
def test_corpus_if_flow_runs_the_branches_whose_inputs_are_true(engine):
    engine.load_flows(CORPUS / "if.yaml")
    execution = engine.run("io.kestra.tests", "if", inputs={"if1": True, "if2": False, "if3": "true"},
                           timeout=PROMPT)
    assert execution.state == "SUCCESS"
    ran = {r.task_id for r in execution.task_runs}
    assert {"if-1-log", "if-3-log"} <= ran
    assert "if-2-log" not in ran


@needs_corpus
def test_corpus_flow_with_a_flow_retry_loads():
    flow = runwatch.Flow.from_file(str(CORPUS / "retry-failed-flow-attempts.yml"))
    assert (flow.namespace, flow.id) == ("io.kestra.tests", "retry-failed-flow-attempts")


HOURLY = """
id: hourly
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: every_hour
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
"""


def test_schedules_are_typed_records_with_their_dates():
    clock = runwatch.ManualClock(START)
    with runwatch.Engine(clock=clock) as engine:
        engine.add_flow(HOURLY)
        engine.wait_idle()
        (scheduled,) = engine.schedules()
        assert isinstance(scheduled, runwatch.ScheduledTrigger)
        assert scheduled == ("company.team", "hourly", "every_hour", START + dt.timedelta(hours=1), None, None)
        clock.advance(seconds=3600)
        assert engine.wait_idle(timeout=PROMPT)
        assert engine.schedules() == [runwatch.ScheduledTrigger(
            "company.team", "hourly", "every_hour", START + dt.timedelta(hours=2), START + dt.timedelta(hours=1), None)]
        assert [e.state for e in engine.executions()] == ["SUCCESS"]
