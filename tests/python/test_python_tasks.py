"""Task types written in Python with @runwatch.task: schema from the signature, the
context object, outputs, logs, failures, sleeping on the engine's clock, kill,
concurrency (the GIL is released while tasks sleep) and re-registration.

Each test registers its types under a fresh name (`type_name` fixture): the plugin
registry is process-wide.
"""

import subprocess
import sys
import textwrap
import threading
import time
from typing import Optional

import pytest

import runwatch
from conftest import PROMPT, START, flow_yaml, poll


def one_task_flow(type_name: str, flow_id: str = "py", props: str = "", extra: str = "") -> str:
    """A flow whose single task `t` has type `type_name` and the given property lines."""
    body = textwrap.indent(textwrap.dedent(props).strip("\n"), "    ") if props.strip() else ""
    text = f"id: {flow_id}\nnamespace: company.team\ntasks:\n  - id: t\n    type: {type_name}\n"
    if body:
        text += body + "\n"
    return text + textwrap.dedent(extra).lstrip("\n")


def run_one(engine, type_name: str, props: str = "", extra: str = "", **kwargs):
    engine.add_flow(one_task_flow(type_name, props=props, extra=extra))
    return engine.run("company.team", "py", timeout=PROMPT, **kwargs)


def run_in_subprocess(code: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


# --- outputs and properties ------------------------------------------------------------


def test_outputs_are_visible_on_the_execution(engine, type_name):
    @runwatch.task(type_name)
    def compute(ctx, a: int, b: int = 2):
        return {"sum": a + b, "items": [a, b], "nested": {"ok": True}, "none": None, "ratio": 0.5}

    execution = run_one(engine, type_name, "a: 40")
    assert execution.state == "SUCCESS"
    expected = {"sum": 42, "items": [40, 2], "nested": {"ok": True}, "none": None, "ratio": 0.5}
    assert execution.outputs == {"t": expected}
    assert execution.task_run("t").outputs == expected


def test_properties_arrive_with_their_yaml_types(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def record(ctx, n: int, x: float, s: str, flag: bool, items: list, mapping: dict):
        seen.update(n=n, x=x, s=s, flag=flag, items=items, mapping=mapping)

    execution = run_one(engine, type_name, """
        n: 7
        x: 1.5
        s: text
        flag: true
        items: [1, two]
        mapping: {k: v}
        """)
    assert execution.state == "SUCCESS"
    assert seen == {"n": 7, "x": 1.5, "s": "text", "flag": True, "items": [1, "two"], "mapping": {"k": "v"}}
    assert type(seen["n"]) is int and type(seen["flag"]) is bool


def test_defaults_fill_omitted_properties(engine, type_name):
    @runwatch.task(type_name)
    def greet(ctx, who: str = "world", times: int = 2, tags: list = ["a"]):  # noqa: B006 - JSON default
        return {"text": " ".join([f"hi {who}"] * times), "tags": tags}

    execution = run_one(engine, type_name)
    assert execution.outputs["t"] == {"text": "hi world hi world", "tags": ["a"]}


def test_keyword_only_properties_work(engine, type_name):
    @runwatch.task(type_name)
    def kw(ctx, *, level: int):
        return {"level": level}

    assert run_one(engine, type_name, "level: 3").outputs["t"] == {"level": 3}


def test_quoted_integer_reaches_an_int_property_as_int(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def record(ctx, n: int):
        seen["n"] = n

    assert run_one(engine, type_name, 'n: "5"').state == "SUCCESS"
    assert seen["n"] == 5 and type(seen["n"]) is int


def test_returning_none_succeeds_without_outputs(engine, type_name):
    @runwatch.task(type_name)
    def nothing(ctx):
        return None

    execution = run_one(engine, type_name)
    assert execution.state == "SUCCESS"
    assert execution.task_run("t").outputs == {}
    assert execution.outputs == {}


def test_decorator_returns_the_function_unchanged(type_name):
    def plain(ctx, n: int = 1):
        return {"n": n}

    assert runwatch.task(type_name)(plain) is plain


def test_alias_names_the_same_type(engine, type_name):
    @runwatch.task(type_name, aliases=[type_name + "Old"])
    def aliased(ctx):
        return {"via": ctx.task_type}

    flow = engine.add_flow(one_task_flow(type_name + "Old"))
    assert flow.tasks[0].type == type_name
    execution = engine.run("company.team", "py", timeout=PROMPT)
    assert execution.outputs["t"] == {"via": type_name}


def test_re_registering_a_type_name_replaces_it(engine, type_name):
    @runwatch.task(type_name)
    def first(ctx):
        return {"version": 1}

    assert run_one(engine, type_name).outputs["t"] == {"version": 1}

    @runwatch.task(type_name)
    def second(ctx):
        return {"version": 2}

    assert engine.run("company.team", "py", timeout=PROMPT).outputs["t"] == {"version": 2}


def test_re_registered_schema_applies_to_flows_loaded_afterwards(engine, type_name):
    @runwatch.task(type_name)
    def first(ctx, old: int):
        return None

    @runwatch.task(type_name)
    def second(ctx, new: int):
        return {"new": new}

    with pytest.raises(runwatch.FlowValidationError, match="unknown property 'old'"):
        engine.add_flow(one_task_flow(type_name, props="old: 1"))
    assert run_one(engine, type_name, "new: 1").outputs["t"] == {"new": 1}


# --- the context ------------------------------------------------------------------------


def test_context_identifies_the_task_run(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def who(ctx):
        seen.update(execution_id=ctx.execution_id, namespace=ctx.namespace, flow_id=ctx.flow_id,
                    task_id=ctx.task_id, task_type=ctx.task_type, task_run_id=ctx.task_run_id,
                    attempt=ctx.attempt, cancelled=ctx.cancelled)

    execution = run_one(engine, type_name)
    assert seen == {
        "execution_id": execution.id,
        "namespace": "company.team",
        "flow_id": "py",
        "task_id": "t",
        "task_type": type_name,
        "task_run_id": execution.task_run("t").id,
        "attempt": 1,
        "cancelled": False,
    }


def test_context_variables_hold_flow_execution_task_and_inputs(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def look(ctx):
        seen.update(ctx.variables)

    flow = one_task_flow(type_name, extra="""
        inputs:
          - id: limit
            type: INT
        variables:
          region: eu
        labels:
          team: data
        """)
    engine.add_flow(flow)
    execution = engine.run("company.team", "py", inputs={"limit": 3}, timeout=PROMPT)
    assert seen["flow"] == {"id": "py", "namespace": "company.team", "revision": 1}
    assert seen["execution"]["id"] == execution.id
    assert seen["execution"]["startDate"] == "2024-01-31T10:00:00Z"
    assert seen["task"] == {"id": "t", "type": type_name}
    assert seen["taskrun"]["id"] == execution.task_run("t").id
    assert seen["inputs"] == {"limit": 3}
    assert seen["vars"] == {"region": "eu"}
    assert seen["labels"] == {"team": "data"}


def test_context_variables_see_outputs_of_earlier_tasks(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def look(ctx):
        seen.update(ctx.variables["outputs"])

    engine.add_flow(flow_yaml(f"""
        id: chain
        namespace: company.team
        tasks:
          - id: first
            type: io.kestra.plugin.core.debug.Return
            format: one
          - id: second
            type: {type_name}
        """))
    engine.run("company.team", "chain", timeout=PROMPT)
    assert seen == {"first": {"value": "one"}}


def test_context_render_renders_templates_with_the_task_variables(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def render(ctx):
        seen["text"] = ctx.render("{{ flow.namespace }}.{{ flow.id }}/{{ task.id }}")
        seen["nested"] = ctx.render({"a": ["{{ inputs.who }}", 1]})

    run_one(engine, type_name, extra="""
        inputs:
          - id: who
            type: STRING
            defaults: ana
        """)
    assert seen == {"text": "company.team.py/t", "nested": {"a": ["ana", 1]}}


def test_context_render_of_a_broken_template_raises_runwatch_error(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def render(ctx):
        try:
            ctx.render("{{ broken(")
        except runwatch.Error as e:
            seen["error"] = str(e)

    assert run_one(engine, type_name).state == "SUCCESS"
    assert seen["error"].startswith('Unclosed "("')


def test_templated_property_is_rendered_before_the_call(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def record(ctx, label: str):
        seen["label"] = label

    run_one(engine, type_name, 'label: "{{ flow.id }}-{{ task.id }}"')
    assert seen == {"label": "py-t"}


def test_templated_integer_reaches_an_int_property_as_int(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def record(ctx, n: int):
        seen["n"] = n

    run_one(engine, type_name, 'n: "{{ inputs.n }}"', extra="""
        inputs:
          - id: n
            type: INT
        """, inputs={"n": 5})
    assert seen["n"] == 5 and type(seen["n"]) is int


def test_context_render_returns_plain_values_unchanged(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def render(ctx):
        seen["rendered"] = ctx.render({"a": [1, "text", None, True], "b": 2.5})

    run_one(engine, type_name)
    assert seen["rendered"] == {"a": [1, "text", None, True], "b": 2.5}


def test_context_log_lines_are_on_the_execution(engine, type_name):
    @runwatch.task(type_name)
    def chatty(ctx):
        ctx.log("DEBUG", "details")
        ctx.log("INFO", "working")
        ctx.log("WARN", "careful")
        ctx.log("ERROR", "bad but fine")

    execution = run_one(engine, type_name)
    assert execution.state == "SUCCESS"
    assert [(e.level, e.message) for e in execution.logs()] == [
        ("DEBUG", "details"), ("INFO", "working"), ("WARN", "careful"), ("ERROR", "bad but fine"),
    ]
    entry = execution.logs()[0]
    assert (entry.task_id, entry.task_run_id, entry.attempt) == ("t", execution.task_run("t").id, 1)
    assert entry.timestamp == START
    assert [e.message for e in execution.logs(level="WARN")] == ["careful", "bad but fine"]


def test_context_log_with_an_unknown_level_fails_the_task(engine, type_name):
    @runwatch.task(type_name)
    def loud(ctx):
        ctx.log("LOUD", "hello")

    execution = run_one(engine, type_name)
    assert execution.state == "FAILED"
    assert [e.message for e in execution.logs(level="ERROR")] == [
        "ValueError: unknown log level 'LOUD' (TRACE, DEBUG, INFO, WARN or ERROR)"
    ]


def test_context_used_after_its_task_ended_raises_cleanly():
    result = run_in_subprocess("""
        import runwatch
        kept = []

        @runwatch.task("io.test.Keep")
        def keep(ctx):
            kept.append(ctx)

        with runwatch.Engine(worker_threads=1) as engine:
            engine.add_flow("id: k\\nnamespace: a.b\\ntasks:\\n  - id: t\\n    type: io.test.Keep\\n")
            engine.run("a.b", "k", timeout=10)
        try:
            kept[0].task_id
            print("no error")
        except (RuntimeError, runwatch.Error) as e:
            print("clean error")
        """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean error"


# --- failures ----------------------------------------------------------------------------

FAILURE_ALERT = """
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: alerted
"""


def test_raising_fails_the_task_with_the_exception_in_an_error_log(engine, type_name):
    @runwatch.task(type_name)
    def boom(ctx):
        ctx.log("INFO", "about to fail")
        raise RuntimeError("disk is full")

    execution = run_one(engine, type_name, extra=FAILURE_ALERT)
    assert execution.state == "FAILED"
    assert execution.task_run("t").state == "FAILED"
    assert [(e.level, e.task_id, e.message) for e in execution.logs()] == [
        ("INFO", "t", "about to fail"),
        ("ERROR", "t", "RuntimeError: disk is full"),
        ("INFO", "alert", "alerted"),
    ]
    assert execution.task_run("alert").state == "SUCCESS"


def test_python_task_in_the_errors_branch_sees_the_failure(engine, type_name):
    """The README's example: a failing shell step, a Python ticket task in `errors`."""

    @runwatch.task(type_name)
    def open_ticket(ctx, title: str, priority: int = 3):
        ctx.log("INFO", f"opening {title!r}")
        return {"ticket": f"T-{priority}"}

    engine.add_flow(flow_yaml(f"""
        id: nightly
        namespace: company.team
        tasks:
          - id: extract
            type: io.kestra.plugin.scripts.shell.Commands
            commands: ["exit 3"]
        errors:
          - id: ticket
            type: {type_name}
            title: nightly extract failed
        """))
    execution = engine.run("company.team", "nightly", timeout=PROMPT)
    assert execution.state == "FAILED"
    assert execution.outputs["ticket"] == {"ticket": "T-3"}
    assert [(e.level, e.task_id, e.message) for e in execution.logs(level="INFO")] == [
        ("ERROR", "extract", "Command failed with code 3"),
        ("INFO", "ticket", "opening 'nightly extract failed'"),
    ]


def test_raising_without_a_message_logs_the_exception_type(engine, type_name):
    @runwatch.task(type_name)
    def boom(ctx):
        raise ValueError()

    execution = run_one(engine, type_name)
    assert [e.message for e in execution.logs(level="ERROR")] == ["ValueError"]


def test_returning_a_non_dict_fails_the_task_with_a_message(engine, type_name):
    @runwatch.task(type_name)
    def wrong(ctx):
        return 42

    execution = run_one(engine, type_name)
    assert execution.state == "FAILED"
    [message] = [e.message for e in execution.logs(level="ERROR")]
    assert message.startswith(f"task {type_name} returned a")
    assert message.endswith("int; a task returns a dict of outputs or None")


def test_returning_an_unconvertible_output_fails_the_task(engine, type_name):
    @runwatch.task(type_name)
    def wrong(ctx):
        return {"ids": {1, 2}}

    execution = run_one(engine, type_name)
    assert execution.state == "FAILED"
    [message] = [e.message for e in execution.logs(level="ERROR")]
    assert message.startswith("cannot convert a value of type set")


def test_an_integer_too_large_for_outputs_fails_with_a_clear_message(engine, type_name):
    @runwatch.task(type_name)
    def huge(ctx):
        return {"n": 2 ** 70}

    execution = run_one(engine, type_name)
    assert execution.state == "FAILED"
    [message] = [e.message for e in execution.logs(level="ERROR")]
    assert "PYBIND11" not in message and "C++" not in message
    assert str(2 ** 70) in message or "range" in message


def test_a_failing_python_task_is_retried_until_it_succeeds(engine, clock, type_name):
    @runwatch.task(type_name)
    def third_time_lucky(ctx):
        if ctx.attempt < 3:
            raise ConnectionError(f"attempt {ctx.attempt} refused")
        return {"attempt": ctx.attempt}

    engine.add_flow(one_task_flow(type_name, props="""
        retry:
          type: constant
          interval: PT30S
          maxAttempt: 5
        """))
    created = engine.run("company.team", "py", wait=False)
    for _ in range(2):
        assert engine.wait_idle(timeout=PROMPT)
        clock.advance(30)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.outputs["t"] == {"attempt": 3}
    assert [a.state for a in execution.task_run("t").attempts] == ["FAILED", "FAILED", "SUCCESS"]
    assert [(e.attempt, e.message) for e in execution.logs()] == [
        (1, "ConnectionError: attempt 1 refused"),
        (2, "ConnectionError: attempt 2 refused"),
    ]


# --- sleeping on the engine's clock, kill, timeouts --------------------------------------


def test_context_sleep_waits_for_the_manual_clock(engine, clock, type_name):
    @runwatch.task(type_name)
    def nap(ctx):
        woke = ctx.sleep(10)
        return {"woke": woke, "at": ctx.render("after")}

    engine.add_flow(one_task_flow(type_name))
    created = engine.run("company.team", "py", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.execution(created.id).task_run("t").state == "RUNNING"
    clock.advance(9)
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.execution(created.id).state == "RUNNING"
    clock.advance(1)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.outputs["t"] == {"woke": True, "at": "after"}
    assert execution.duration.total_seconds() == 10


def test_killing_a_python_task_in_sleep_wakes_it_cancelled(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def nap(ctx):
        seen["slept"] = ctx.sleep(3600)
        seen["cancelled"] = ctx.cancelled

    engine.add_flow(one_task_flow(type_name))
    created = engine.run("company.team", "py", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    assert engine.kill(created.id)
    execution = engine.wait(created.id, timeout=5)
    assert execution.state == "KILLED"
    assert execution.task_run("t").state == "KILLED"
    assert poll(lambda: "cancelled" in seen, timeout=5)
    assert seen == {"slept": False, "cancelled": True}


def test_timeout_cancels_a_python_task_in_sleep(engine, clock, type_name):
    seen = {}

    @runwatch.task(type_name)
    def nap(ctx):
        seen["slept"] = ctx.sleep(60)

    engine.add_flow(one_task_flow(type_name, props="timeout: PT5S"))
    created = engine.run("company.team", "py", wait=False)
    assert engine.wait_idle(timeout=PROMPT)
    clock.advance(5)
    execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "FAILED"
    assert "Timeout after PT5S" in [e.message for e in execution.logs(level="ERROR")]
    assert poll(lambda: "slept" in seen, timeout=5)
    assert seen["slept"] is False


def test_many_python_tasks_sleep_at_once_in_a_parallel(clock, type_name):
    entered = []
    lock = threading.Lock()

    @runwatch.task(type_name)
    def nap(ctx):
        with lock:
            entered.append(threading.get_ident())
        return {"woke": ctx.sleep(10)}

    children = "".join(f"      - id: t{i}\n        type: {type_name}\n" for i in range(8))
    flow = ("id: fan\nnamespace: company.team\ntasks:\n  - id: all\n"
            "    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n" + children)
    with runwatch.Engine(clock=clock, worker_threads=8) as engine:
        engine.add_flow(flow)
        created = engine.run("company.team", "fan", wait=False)
        assert engine.wait_idle(timeout=PROMPT)
        running = engine.execution(created.id)
        assert [running.task_run(f"t{i}").state for i in range(8)] == ["RUNNING"] * 8
        assert len(set(entered)) == 8  # eight worker threads inside Python at the same time
        clock.advance(10)
        execution = engine.wait(created.id, timeout=PROMPT)
    assert execution.state == "SUCCESS"
    assert execution.outputs == {f"t{i}": {"woke": True} for i in range(8)}
    assert all(r.end_date == execution.end_date for r in execution.task_runs)


def test_engine_exit_wakes_a_python_task_sleeping_on_the_manual_clock(clock, type_name):
    seen = {}

    @runwatch.task(type_name)
    def nap(ctx):
        seen["slept"] = ctx.sleep(3600)

    begin = time.monotonic()
    with runwatch.Engine(clock=clock, worker_threads=2) as engine:
        engine.add_flow(one_task_flow(type_name))
        engine.run("company.team", "py", wait=False)
        assert engine.wait_idle(timeout=PROMPT)
    assert time.monotonic() - begin < 5
    assert seen == {"slept": False}


def test_dropping_an_unstopped_engine_while_a_python_task_sleeps_does_not_hang():
    try:
        result = run_in_subprocess("""
            import runwatch
            clock = runwatch.ManualClock()

            @runwatch.task("io.test.Nap")
            def nap(ctx):
                ctx.sleep(3600)

            engine = runwatch.Engine(clock=clock, worker_threads=1)
            engine.add_flow("id: k\\nnamespace: a.b\\ntasks:\\n  - id: t\\n    type: io.test.Nap\\n")
            engine.run("a.b", "k", wait=False)
            engine.wait_idle(timeout=10)
            del engine
            print("dropped")
            """, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("the process hung when the engine was dropped")
    assert result.stdout.strip() == "dropped"


# --- the decorator's checks -----------------------------------------------------------------


def test_missing_required_property_is_a_load_error(engine, type_name):
    @runwatch.task(type_name)
    def needs(ctx, count: int):
        return None

    with pytest.raises(runwatch.FlowValidationError) as info:
        engine.add_flow(one_task_flow(type_name))
    assert [(i.path, i.line, i.message) for i in info.value.issues] == [
        ("tasks[0].count", 4, "missing required property 'count'"),
    ]


def test_unknown_property_is_a_load_error(engine, type_name):
    @runwatch.task(type_name)
    def needs(ctx, count: int = 1):
        return None

    with pytest.raises(runwatch.FlowValidationError) as info:
        engine.add_flow(one_task_flow(type_name, props="cont: 2"))
    [issue] = info.value.issues
    assert (issue.path, issue.line, issue.column) == ("tasks[0].cont", 6, 5)
    assert issue.message.startswith(f"unknown property 'cont' of task type {type_name}")
    assert "count" in issue.message  # did you mean


@pytest.mark.parametrize("annotation, value, message", [
    (int, "abc", "'p' must be an integer, not 'abc'"),
    (int, "1.5", "'p' must be an integer, not '1.5'"),
    (float, "fast", "'p' must be a number, not 'fast'"),
    (bool, "maybe", "'p' must be a boolean, not 'maybe'"),
    (str, "[a, b]", "'p' must be a string, not "),
    (list, "solo", "'p' must be a list, not "),
    (dict, "[1]", "'p' must be a mapping, not "),
    (Optional[int], "abc", "'p' must be an integer, not 'abc'"),
])
def test_wrongly_typed_property_is_a_load_error(engine, type_name, annotation, value, message):
    def fn(ctx, p):
        return None

    fn.__annotations__ = {"p": annotation}
    runwatch.task(type_name)(fn)
    with pytest.raises(runwatch.FlowValidationError) as info:
        engine.add_flow(one_task_flow(type_name, props=f"p: {value}"))
    [issue] = info.value.issues
    assert issue.path == "tasks[0].p"
    assert issue.message.startswith(message)


def test_string_annotations_of_plain_types_are_checked(engine, type_name):
    @runwatch.task(type_name)
    def fn(ctx, p: "int"):
        return None

    with pytest.raises(runwatch.FlowValidationError, match="'p' must be an integer, not 'abc'"):
        engine.add_flow(one_task_flow(type_name, props="p: abc"))


def test_postponed_generic_annotations_are_checked(engine, type_name):
    @runwatch.task(type_name)
    def fn(ctx, p: "Optional[int]" = None):
        return None

    with pytest.raises(runwatch.FlowValidationError, match="'p' must be an integer"):
        engine.add_flow(one_task_flow(type_name, props="p: abc"))


def test_unannotated_property_accepts_anything(engine, type_name):
    seen = {}

    @runwatch.task(type_name)
    def fn(ctx, anything):
        seen["value"] = anything

    assert run_one(engine, type_name, "anything: {a: [1, 2]}").state == "SUCCESS"
    assert seen["value"] == {"a": [1, 2]}


def test_function_without_parameters_is_refused(type_name):
    with pytest.raises(TypeError, match="must take the task context as its first parameter"):
        @runwatch.task(type_name)
        def no_ctx():
            return None


def test_function_with_keyword_only_context_is_refused(type_name):
    with pytest.raises(TypeError, match="must take the task context as its first parameter"):
        @runwatch.task(type_name)
        def kw_ctx(*, ctx):
            return None


def test_function_with_only_star_args_is_refused(type_name):
    with pytest.raises(TypeError, match="must take the task context as its first parameter"):
        @runwatch.task(type_name)
        def star(*args):
            return None


@pytest.mark.parametrize("source", [
    "def fn(ctx, *rest): pass",
    "def fn(ctx, **options): pass",
    "def fn(ctx, a: int = 1, *rest, **options): pass",
])
def test_variadic_properties_are_refused(type_name, source):
    namespace = {}
    exec(source, namespace)
    with pytest.raises(TypeError, match="declare each property as a parameter"):
        runwatch.task(type_name)(namespace["fn"])


@pytest.mark.parametrize("default", [object(), {1, 2}, b"bytes"])
def test_non_json_default_is_refused(type_name, default):
    def fn(ctx, p=default):
        return None

    with pytest.raises(TypeError, match="default of property 'p' must be JSON-compatible"):
        runwatch.task(type_name)(fn)


@pytest.mark.parametrize("name", ["", " io.test.Padded", "io.test.Padded "])
def test_blank_or_padded_type_name_is_refused(name):
    with pytest.raises(ValueError, match="invalid task type name"):
        runwatch.task(name)
