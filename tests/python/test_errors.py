"""runwatch's exceptions: the hierarchy, FlowValidationError and its issues (file, path,
line, column, message; every problem reported at once), and InputError."""

import pytest

import runwatch
from conftest import flow_yaml

BROKEN = """
id: broken
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    mesage: hi
  - id: b
    type: io.kestra.plugin.core.log.Lgo
    message: x
  - id: a
    type: io.kestra.plugin.core.flow.Sleep
    duration: soon
"""


def issues_of(text: str, file: str = "broken.yaml"):
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml(flow_yaml(text), file)
    return info.value.issues


# --- the hierarchy --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["FlowValidationError", "InputError", "NotFoundError", "ExecutionTimeout"])
def test_every_runwatch_exception_is_a_runwatch_error(name):
    assert issubclass(getattr(runwatch, name), runwatch.Error)
    assert issubclass(runwatch.Error, Exception)


def test_execution_timeout_is_also_a_builtin_timeout_error():
    assert issubclass(runwatch.ExecutionTimeout, TimeoutError)
    error = runwatch.ExecutionTimeout("still running", execution=None)
    assert str(error) == "still running"
    assert error.execution is None


# --- FlowValidationError ------------------------------------------------------------------


def test_every_issue_of_a_flow_is_reported_at_once_in_file_order():
    issues = issues_of(BROKEN)
    assert [(i.path, i.line, i.column) for i in issues] == [
        ("tasks[0].message", 4, 5),
        ("tasks[0].mesage", 6, 5),
        ("tasks[1].type", 8, 11),
        ("tasks[2].id", 10, 9),
        ("tasks[2].duration", 12, 15),
    ]
    assert all(i.file == "broken.yaml" and i.severity == "error" for i in issues)


def test_unknown_property_names_its_task_type_and_suggests_the_closest():
    issue = issues_of(BROKEN)[1]
    assert issue.message == ("unknown property 'mesage' of task type io.kestra.plugin.core.log.Log; "
                             "did you mean message?")


def test_misspelt_task_type_is_unknown():
    assert issues_of(BROKEN)[2].message == ("unknown task type 'io.kestra.plugin.core.log.Lgo'; "
                                           "did you mean io.kestra.plugin.core.log.Log?")


def test_kestra_type_runwatch_lacks_is_unsupported():
    issues = issues_of("""
        id: ranked
        namespace: company.team
        tasks:
          - id: p
            type: io.kestra.plugin.core.http.Download
        """)
    assert [(i.path, i.line, i.column, i.message) for i in issues] == [
        ("tasks[0].type", 5, 11,
         "unsupported task type 'io.kestra.plugin.core.http.Download' (not implemented by runwatch)"),
    ]


def test_duplicate_task_id_points_at_its_first_use():
    assert issues_of(BROKEN)[3].message == "duplicate task id 'a' (first used at tasks[0], line 4)"


def test_duplicate_task_id_across_nested_branches():
    issues = issues_of("""
        id: nested
        namespace: company.team
        tasks:
          - id: group
            type: io.kestra.plugin.core.flow.Sequential
            tasks:
              - id: same
                type: io.kestra.plugin.core.log.Log
                message: one
        errors:
          - id: same
            type: io.kestra.plugin.core.log.Log
            message: two
        """)
    assert [(i.path, i.line, i.message) for i in issues] == [
        ("errors[0].id", 11, "duplicate task id 'same' (first used at tasks[0].tasks[0], line 7)"),
    ]


def test_badly_typed_property_value_is_located_at_the_value():
    issue = issues_of(BROKEN)[4]
    assert issue.message == "'duration' must be an ISO-8601 duration such as PT5M, not 'soon'"


def test_issue_str_is_file_line_column_error_path_message():
    issue = issues_of(BROKEN)[3]
    assert str(issue) == "broken.yaml:10:9: error: tasks[2].id: duplicate task id 'a' (first used at tasks[0], line 4)"
    assert repr(issue) == f"<ValidationIssue {issue}>"


def test_issue_of_a_flow_without_file_is_shown_as_flow():
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml("id: x\nnamespace: a\ntasks: []\n")
    assert [str(i) for i in info.value.issues] == ["<flow>:3:8: error: tasks: 'tasks' must not be empty"]


def test_exception_text_lists_every_issue():
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml(flow_yaml(BROKEN), "broken.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == "invalid flow"
    assert lines[1:] == [f"  {i}" for i in info.value.issues]


def test_yaml_syntax_error_has_a_position_and_no_path():
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml("id: x\nnamespace: a\ntasks: [\n")
    [issue] = info.value.issues
    assert (issue.path, issue.line) == ("", 4)
    assert issue.message.startswith("YAML syntax error: ")


def test_bytes_that_are_not_utf8_are_a_positioned_validation_error_never_a_unicode_error():
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml(b"id: f\nnamespace: n\ndescription: caf\xc3(\ntasks: []\n", "bad.yaml")
    assert [str(i) for i in info.value.issues] == ["bad.yaml:3:17: error: the flow is not valid UTF-8: byte 0xC3 here"]
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml("id: f\nnamespace: n\ndescription: \udcc3\ntasks: []\n", "bad.yaml")
    assert [str(i) for i in info.value.issues] == ["bad.yaml:3:14: error: the flow is not valid UTF-8: byte 0xED here"]


def test_flow_text_as_utf8_bytes_loads_like_the_text():
    flow = runwatch.Flow.from_yaml(
        "id: f\nnamespace: n\ndescription: caf\u00e9\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n".encode()
    )
    assert (flow.namespace, flow.id) == ("n", "f")


def test_a_huge_id_is_an_error_with_a_shortened_message():
    with pytest.raises(runwatch.FlowValidationError) as info:
        runwatch.Flow.from_yaml("id: " + "\u00e9" * 30000 + "\nnamespace: n\ntasks: []\n")
    assert all(len(str(i)) < 400 for i in info.value.issues)


def test_empty_text_is_a_validation_error():
    with pytest.raises(runwatch.FlowValidationError, match="the file is empty"):
        runwatch.Flow.from_yaml("")


def test_flow_level_problems_are_reported_with_task_problems():
    issues = issues_of("""
        namespace: Company Team
        listeners: []
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            message: hi
            message: again
            timeout: soon
        """)
    assert [(i.path, i.line, i.message) for i in issues] == [
        ("id", 1, "missing required property 'id'"),
        ("namespace", 1, "invalid namespace 'Company Team': it must match ^[a-z0-9][a-z0-9._-]*$ "
                         "and have at most 150 characters"),
        ("listeners", 2, "'listeners' is not supported by runwatch (deprecated in Kestra; use a flow with a Flow trigger)"),
        ("tasks[0].message", 7, "duplicate key 'message'"),
        ("tasks[0].timeout", 8, "'timeout' must be an ISO-8601 duration such as PT5M, not 'soon'"),
    ]


def test_retry_problems_have_a_nested_path():
    issues = issues_of("""
        id: r
        namespace: company.team
        tasks:
          - id: a
            type: io.kestra.plugin.core.execution.Fail
            retry:
              type: sometimes
        """)
    assert [(i.path, i.line, i.column, i.message) for i in issues] == [
        ("tasks[0].retry.type", 7, 13, "'type' must be one of constant, exponential, random, not 'sometimes'"),
    ]


def test_add_flow_raises_with_issues_and_keeps_no_flow():
    with runwatch.Engine(worker_threads=1) as engine:
        with pytest.raises(runwatch.FlowValidationError) as info:
            engine.add_flow(flow_yaml(BROKEN), file="given.yaml")
        assert {i.file for i in info.value.issues} == {"given.yaml"}
        assert len(info.value.issues) == 5
        assert engine.flows() == []


# --- InputError ----------------------------------------------------------------------------


def test_input_error_names_the_input_and_is_raised_before_any_execution(engine):
    engine.add_flow(flow_yaml("""
        id: typed
        namespace: company.team
        inputs:
          - id: limit
            type: INT
        tasks:
          - id: a
            type: io.kestra.plugin.core.log.Log
            message: hi
        """))
    with pytest.raises(runwatch.InputError) as info:
        engine.run("company.team", "typed", inputs={"limit": "many"})
    assert str(info.value) == "Invalid input 'limit' (INT): expected an integer, got \"many\""
    with pytest.raises(runwatch.InputError, match=r"^Missing required input 'limit' \(INT\)$"):
        engine.run("company.team", "typed")
    assert engine.executions() == []
