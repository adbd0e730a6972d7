"""runwatch.validate: flows checked as the engine loads them, linted together, never raising."""

import pathlib

import runwatch

from conftest import EXAMPLES

CLEANUP = """
id: cleanup
namespace: company.system
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

MONITOR = """
id: monitor
namespace: company.monitoring
tasks:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.executionId }} failed"
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.system
        flowId: cleanup
"""


def test_valid_texts_have_no_issue():
    issues = runwatch.validate(texts=[CLEANUP, MONITOR])
    assert issues == []
    assert issues.checked == 2


def test_texts_are_linted_together():
    alone = runwatch.validate(texts=MONITOR)
    assert [str(issue) for issue in alone] == [
        "<text 1>:12:9: warning: triggers[0].conditions[0]: ExecutionFlow names company.system.cleanup, "
        "which is not a loaded flow"]
    assert alone.warnings == list(alone) and alone.errors == []
    assert runwatch.validate(texts=[MONITOR, CLEANUP]) == []


def test_an_invalid_text_is_an_error_issue_not_an_exception():
    issues = runwatch.validate(texts=["id: f\nnamespace: n\ntasks:\n  - id: a\n    type: io.kestra.Nope\n"])
    (issue,) = issues
    assert (issue.file, issue.line, issue.column, issue.path, issue.severity) == (
        "<text 1>", 5, 11, "tasks[0].type", "error")
    assert issue.message == "unsupported task type 'io.kestra.Nope' (not implemented by runwatch)"
    assert issues.errors == [issue]


def test_paths_and_texts_together(tmp_path: pathlib.Path):
    (tmp_path / "cleanup.yaml").write_text(CLEANUP)
    issues = runwatch.validate([tmp_path, EXAMPLES / "hello.yaml"], texts=[MONITOR])
    assert issues == []
    assert issues.checked == 3
    assert runwatch.validate(str(tmp_path / "cleanup.yaml")).checked == 1


def test_a_path_without_flow_files_is_an_error_of_that_path(tmp_path: pathlib.Path):
    (issue,) = runwatch.validate(tmp_path / "missing")
    assert str(issue) == f"{tmp_path / 'missing'}: error: no flow file (*.yaml, *.yml) found"


def test_nothing_to_validate():
    issues = runwatch.validate()
    assert issues == [] and issues.checked == 0


def test_hostile_texts_are_issues_and_the_process_goes_on():
    bomb = "id: f\nnamespace: n\nvariables:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 10)) + "tasks: []\n"
    texts = [
        bomb,
        "id: f\nnamespace: n\nvariables:\n  a: &a [x, *a]\ntasks: []\n",
        "id: f\nnamespace: n\ndescription: a\0b\ntasks: []\n",
        "id: f\nnamespace: n\nvariables:\n  deep: " + "[" * 100_000 + "]" * 100_000 + "\ntasks: []\n",
    ]
    issues = runwatch.validate(texts=texts)
    assert [(issue.file, issue.severity) for issue in issues] == [
        ("<text 1>", "error"), ("<text 2>", "error"), ("<text 3>", "error"), ("<text 4>", "error")]
    assert "an alias bomb?" in issues[0].message
    assert issues[1].message == "this alias names a list or mapping that holds it: the document would never end"
    assert issues[2].message == "the flow holds a NUL character here, which YAML does not allow"
    assert runwatch.validate(texts=[CLEANUP]) == []  # still alive, still right
