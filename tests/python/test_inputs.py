"""Execution inputs given as Python values: typing by the flow's declared input types,
defaults, nested ids, undeclared inputs, and InputError messages."""

import datetime as dt

import pytest

import runwatch
from conftest import PROMPT, flow_yaml

INPUTS = """
id: inputs
namespace: company.team
inputs:
  - id: count
    type: INT
    required: false
  - id: ratio
    type: FLOAT
    required: false
  - id: enabled
    type: BOOLEAN
    required: false
  - id: when
    type: DATETIME
    required: false
  - id: day
    type: DATE
    required: false
  - id: wait
    type: DURATION
    required: false
  - id: doc
    type: JSON
    required: false
  - id: ids
    type: ARRAY
    itemType: INT
    required: false
  - id: color
    type: ENUM
    values: [RED, BLUE]
    required: false
  - id: bounded
    type: INT
    min: 1
    max: 10
    required: false
  - id: name
    type: STRING
    defaults: world
  - id: db.host
    type: STRING
    required: false
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: hi
"""


@pytest.fixture
def run_with(engine):
    engine.add_flow(flow_yaml(INPUTS))

    def run(**inputs):
        return engine.run("company.team", "inputs", inputs=inputs, timeout=PROMPT)

    return run


@pytest.mark.parametrize("input_id, given, stored", [
    ("count", 5, 5),
    ("count", "7", 7),
    ("count", 3.0, 3),
    ("ratio", 2, 2.0),
    ("ratio", "2.5", 2.5),
    ("enabled", True, True),
    ("enabled", "false", False),
    ("when", dt.datetime(2024, 1, 31, 10, 0, tzinfo=dt.timezone.utc), "2024-01-31T10:00:00Z"),
    ("when", dt.datetime(2024, 1, 31, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), "2024-01-31T10:00:00Z"),
    ("when", dt.datetime(2024, 1, 31, 10, 30), "2024-01-31T10:30:00Z"),  # naive: UTC
    ("when", dt.datetime(2024, 1, 31, 10, 0, 0, 123456, tzinfo=dt.timezone.utc), "2024-01-31T10:00:00.123456Z"),
    ("when", "2024-01-31T10:00:00Z", "2024-01-31T10:00:00Z"),
    ("day", dt.date(2024, 1, 31), "2024-01-31"),
    ("wait", dt.timedelta(seconds=90), "PT1M30S"),
    ("wait", "PT5M", "PT5M"),
    ("doc", {"k": [1, {"deep": None}]}, {"k": [1, {"deep": None}]}),
    ("doc", '{"a": 1}', {"a": 1}),
    ("doc", [1, 2], [1, 2]),
    ("ids", [1, "2"], [1, 2]),
    ("ids", (3, 4), [3, 4]),
    ("ids", "[5]", [5]),
    ("color", "BLUE", "BLUE"),
    ("bounded", 10, 10),
    ("name", "you", "you"),
])
def test_input_is_typed_from_a_python_value(run_with, input_id, given, stored):
    execution = run_with(**{input_id: given})
    assert execution.state == "SUCCESS"
    assert execution.inputs[input_id] == stored
    assert type(execution.inputs[input_id]) is type(stored)


def test_omitted_inputs_take_defaults_or_none(run_with):
    inputs = run_with().inputs
    assert inputs["name"] == "world"
    assert inputs["count"] is None


def test_dotted_input_ids_nest(run_with):
    assert run_with(**{"db.host": "db1"}).inputs["db"] == {"host": "db1"}


def test_undeclared_input_is_ignored_with_a_warning(run_with):
    execution = run_with(extra=1)
    assert "extra" not in execution.inputs
    assert [(e.level, e.task_id, e.message) for e in execution.logs(level="WARN")] == [
        ("WARN", "", "input 'extra' is not declared by the flow; ignored"),
    ]


def test_none_counts_as_not_given(run_with):
    assert run_with(name=None).inputs["name"] == "world"


@pytest.mark.parametrize("input_id, given, message", [
    ("count", True, "Invalid input 'count' (INT): expected an integer, got true"),
    ("count", "abc", "Invalid input 'count' (INT): expected an integer, got \"abc\""),
    ("count", 1.5, "Invalid input 'count' (INT): expected an integer, got 1.5"),
    ("ratio", "fast", "Invalid input 'ratio' (FLOAT): expected a number, got \"fast\""),
    ("enabled", "maybe", "Invalid input 'enabled' (BOOLEAN): expected true or false, got \"maybe\""),
    ("when", "yesterday", "Invalid input 'when' (DATETIME): expected an ISO-8601 date-time with a zone "
                          "such as 2024-01-31T10:00:00Z, got 'yesterday'"),
    ("wait", "soon", "Invalid input 'wait' (DURATION): expected an ISO-8601 duration such as PT5M, got 'soon'"),
    ("color", "GREEN", "Invalid input 'color' (ENUM): 'GREEN' is not one of [\"RED\",\"BLUE\"]"),
    ("bounded", 11, "Invalid input 'bounded' (INT): 11 is above the maximum 10"),
    ("bounded", 0, "Invalid input 'bounded' (INT): 0 is below the minimum 1"),
    ("name", {"a": 1}, "Invalid input 'name' (STRING): expected a string, got {\"a\":1}"),
])
def test_bad_input_raises_input_error_naming_it(run_with, input_id, given, message):
    with pytest.raises(runwatch.InputError) as info:
        run_with(**{input_id: given})
    assert str(info.value) == message


def test_invalid_json_text_is_an_input_error(run_with):
    with pytest.raises(runwatch.InputError, match=r"^Invalid input 'doc' \(JSON\): not valid JSON: "):
        run_with(doc="{bad")


def test_bad_array_item_is_an_input_error_naming_the_array(run_with):
    with pytest.raises(runwatch.InputError, match="^Invalid input 'ids' "):
        run_with(ids=[1, "x"])


def test_python_value_without_a_json_form_is_a_type_error(run_with):
    with pytest.raises(TypeError, match="cannot convert a value of type set"):
        run_with(doc={1, 2})


def test_datetime_fraction_is_written_in_java_millisecond_groups(run_with):
    when = dt.datetime(2024, 1, 31, 10, 0, 0, 250000, tzinfo=dt.timezone.utc)
    assert run_with(when=when).inputs["when"] == "2024-01-31T10:00:00.250Z"


def test_impossible_date_is_an_input_error(run_with):
    with pytest.raises(runwatch.InputError, match="'day'"):
        run_with(day="2024-13-99")


def test_integer_too_large_is_an_input_error(run_with):
    with pytest.raises((runwatch.InputError, OverflowError)):
        run_with(count=2 ** 70)


SECRET_FLOW = """
id: login
namespace: company.team
inputs:
  - id: password
    type: SECRET
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.password }} / {{ inputs.password | title }} / {{ inputs.password | length }}"
"""


def test_a_secret_input_stays_encrypted_and_masked_in_an_in_memory_engine(engine):
    engine.add_flow(SECRET_FLOW)
    execution = engine.run("company.team", "login", inputs={"password": "hunter22"}, timeout=PROMPT)
    assert execution.state == "SUCCESS"
    sealed = execution.inputs["password"]
    assert sealed["type"] == "io.kestra.datatype:aes_encrypted"
    assert "hunter22" not in sealed["value"]
    assert [log.message for log in execution.logs(level="INFO")] == ["****** / ****** / 8"]


def test_a_secret_input_needs_a_key_on_a_persistent_engine(clock, tmp_path):
    config = {"kestra": {"repository": {"type": "sqlite", "path": str(tmp_path / "runwatch.db")}}}
    with runwatch.Engine(config=config, clock=clock) as engine:
        engine.add_flow(SECRET_FLOW)
        with pytest.raises(runwatch.InputError, match=r"^Invalid input 'password' \(SECRET\): Unable to use a SECRET "
                                                      r"input as encryption is not configured"):
            engine.run("company.team", "login", inputs={"password": "hunter22"}, timeout=PROMPT)


def test_todays_input_keys_bool_prefill_and_display_name(engine, add):
    add("""
        id: today
        namespace: company.team
        inputs:
          - id: dry_run
            type: BOOL
            displayName: Dry run
            prefill: true
          - id: region
            type: STRING
            required: false
            prefill: eu-west-1
        tasks:
          - id: a
            type: io.kestra.plugin.core.debug.Return
            format: "{{ inputs.dry_run }}"
        """)
    ran = engine.run("company.team", "today", inputs={"dry_run": "false"}, timeout=PROMPT)
    assert ran.inputs == {"dry_run": False, "region": None}  # prefill fills a form, never a missing input
    assert ran.outputs["a"]["value"] == "false"
    with pytest.raises(runwatch.InputError, match=r"Invalid input 'dry_run' \(BOOL\): expected true or false"):
        engine.run("company.team", "today", inputs={"dry_run": "maybe"}, timeout=PROMPT)
