"""The `runwatch` command line: `validate` and `run`, as a real child process (the
installed console script and `python -m runwatch`) and in-process through
`runwatch.cli.main(argv, out=...)`; exit codes and exact output lines."""

import io
import re
import subprocess
import sys

import pytest

import runwatch
from runwatch import cli
from conftest import EXAMPLES

CHILD_TIMEOUT = 60

BAD_FLOW = """
id: bad
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    mesage: hi
"""

SLEEPY_FLOW = """
id: sleepy
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
"""

TYPED_FLOW = """
id: typed
namespace: company.team
inputs:
  - id: limit
    type: INT
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: ok
"""


def cli_run(runwatch_bin, *args, timeout=CHILD_TIMEOUT):
    return subprocess.run([str(runwatch_bin), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def header(state: str, flow: str) -> re.Pattern:
    return re.compile(rf"execution \w+ {re.escape(flow)}: {state} in \d+\.\d{{3}}s")


# --- validate ----------------------------------------------------------------------------


def test_validate_valid_examples_exits_0_with_a_summary(runwatch_bin):
    result = cli_run(runwatch_bin, "validate", EXAMPLES)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["6 file(s) checked: 0 error(s), 0 warning(s)"]
    assert result.stderr == ""


def test_validate_reports_each_issue_as_file_line_column_and_exits_1(runwatch_bin, flows_dir):
    bad = flows_dir.write("bad.yaml", BAD_FLOW)
    flows_dir.write("good.yaml", SLEEPY_FLOW)
    result = cli_run(runwatch_bin, "validate", flows_dir)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}:4:5: error: tasks[0].message: missing required property 'message'",
        f"{bad}:6:5: error: tasks[0].mesage: unknown property 'mesage' of task type "
        "io.kestra.plugin.core.log.Log; did you mean message?",
        "2 file(s) checked: 2 error(s), 0 warning(s)",
    ]


def test_validate_several_paths_checks_them_all(runwatch_bin, flows_dir):
    one = flows_dir.write("one.yaml", SLEEPY_FLOW)
    result = cli_run(runwatch_bin, "validate", one, EXAMPLES / "hello.yaml")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["2 file(s) checked: 0 error(s), 0 warning(s)"]


def test_validate_a_path_without_flow_files_is_an_error(runwatch_bin, tmp_path):
    (tmp_path / "notes.txt").write_text("no flows here")
    result = cli_run(runwatch_bin, "validate", tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path}: error: no flow file (*.yaml, *.yml) found",
                                          "0 file(s) checked: 1 error(s), 0 warning(s)"]


def test_validate_a_missing_path_is_an_error_and_the_others_are_still_checked(runwatch_bin, tmp_path):
    missing = tmp_path / "missing"
    result = cli_run(runwatch_bin, "validate", EXAMPLES, missing)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{missing}: error: no flow file (*.yaml, *.yml) found",
                                          "6 file(s) checked: 1 error(s), 0 warning(s)"]


def test_validate_a_yaml_syntax_error(runwatch_bin, flows_dir):
    broken = flows_dir.write("broken.yml", "id: x\nnamespace: a\ntasks: [\n")
    result = cli_run(runwatch_bin, "validate", broken)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{broken}:4:1: error: YAML syntax error: ")
    assert lines[1:] == ["1 file(s) checked: 1 error(s), 0 warning(s)"]


def test_python_dash_m_runwatch_validates(flows_dir):
    flows_dir.write("bad.yaml", BAD_FLOW)
    result = subprocess.run([sys.executable, "-m", "runwatch", "validate", str(flows_dir)],
                            capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 file(s) checked: 2 error(s), 0 warning(s)"


# --- run -------------------------------------------------------------------------------------


def test_run_hello_prints_state_task_runs_outputs_and_logs(runwatch_bin):
    result = cli_run(runwatch_bin, "run", "--flows", EXAMPLES, "company.team", "hello", "--input", "name=you")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert header("SUCCESS", "company.team.hello").fullmatch(lines[0]), lines[0]
    assert lines[1:6] == [
        "  task greet: SUCCESS",
        "  task shell: SUCCESS",
        "    outputs: {'vars': {'answer': 42}, 'exitCode': 0}",
        "  task result: SUCCESS",
        "    outputs: {'value': 'done'}",
    ]
    logs = [re.sub(r"^  \S+ ", "  <ts> ", line) for line in lines[6:]]
    assert logs == [
        "  <ts> INFO  greet: Hello you",
        "  <ts> INFO  shell: running on Linux",
        "  <ts> DEBUG result: done",
    ]
    assert result.stderr == ""


def test_run_retry_then_warn_exits_0_and_shows_attempts(runwatch_bin):
    result = cli_run(runwatch_bin, "run", "--flows", EXAMPLES, "company.team", "retry_then_warn")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert header("WARNING", "company.team.retry_then_warn").fullmatch(lines[0])
    assert lines[1:3] == ["  task flaky: WARNING (3 attempts)", "  task after: SUCCESS"]


def test_run_on_failure_exits_1_after_the_errors_branch(runwatch_bin):
    result = cli_run(runwatch_bin, "run", "--flows", EXAMPLES, "company.team", "on_failure")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert header("FAILED", "company.team.on_failure").fullmatch(lines[0])
    assert lines[1:4] == [
        "  task extract: FAILED",
        "    outputs: {'vars': {}, 'exitCode': 3}",
        "  task alert: SUCCESS",
    ]
    assert lines[-1].endswith(" ERROR alert: Failure alert for flow company.team.on_failure")


def test_run_an_unknown_flow_exits_2_with_a_message(runwatch_bin):
    result = cli_run(runwatch_bin, "run", "--flows", EXAMPLES, "company.team", "ghost")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["runwatch: error: Flow 'company.team.ghost' not found"]


def test_run_with_a_bad_input_exits_2_naming_it(runwatch_bin, flows_dir):
    flows_dir.write("typed.yaml", TYPED_FLOW)
    result = cli_run(runwatch_bin, "run", "--flows", flows_dir, "company.team", "typed", "--input", "limit=many")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "runwatch: error: Invalid input 'limit' (INT): expected an integer, got \"many\""
    ]


def test_run_with_a_missing_input_exits_2(runwatch_bin, flows_dir):
    flows_dir.write("typed.yaml", TYPED_FLOW)
    result = cli_run(runwatch_bin, "run", "--flows", flows_dir, "company.team", "typed")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["runwatch: error: Missing required input 'limit' (INT)"]


def test_run_with_a_typed_input_succeeds(runwatch_bin, flows_dir):
    flows_dir.write("typed.yaml", TYPED_FLOW)
    result = cli_run(runwatch_bin, "run", "--flows", flows_dir, "company.team", "typed", "--input", "limit=3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:3] == ["  task show: SUCCESS", "    outputs: {'value': 'ok'}"]


def test_run_with_a_malformed_input_exits_2(runwatch_bin):
    result = cli_run(runwatch_bin, "run", "--flows", EXAMPLES, "company.team", "hello", "--input", "name")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["runwatch: error: --input takes key=value, got 'name'"]


def test_run_past_its_timeout_exits_2_promptly(runwatch_bin, flows_dir):
    flows_dir.write("sleepy.yaml", SLEEPY_FLOW)
    result = cli_run(runwatch_bin, "run", "--flows", flows_dir, "company.team", "sleepy", "--timeout", "0.2",
                     timeout=20)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert re.fullmatch(r"runwatch: error: execution \w+ is still RUNNING after 0\.2 s", line), line


def test_run_with_invalid_flows_exits_2_and_lists_the_issues(runwatch_bin, flows_dir):
    bad = flows_dir.write("bad.yaml", BAD_FLOW)
    result = cli_run(runwatch_bin, "run", "--flows", flows_dir, "company.team", "bad")
    assert result.stderr.splitlines()[0] == f"{bad}:4:5: error: tasks[0].message: missing required property 'message'"
    assert result.returncode == 2


def test_run_with_invalid_flows_lists_every_issue_on_stderr(runwatch_bin, flows_dir):
    bad = flows_dir.write("bad.yaml", BAD_FLOW)
    result = cli_run(runwatch_bin, "run", "--flows", flows_dir, "company.team", "bad")
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bad}:4:5: error: tasks[0].message: missing required property 'message'",
        f"{bad}:6:5: error: tasks[0].mesage: unknown property 'mesage' of task type "
        "io.kestra.plugin.core.log.Log; did you mean message?",
    ]


# --- the parser ----------------------------------------------------------------------------


def test_version(runwatch_bin):
    result = cli_run(runwatch_bin, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"runwatch {runwatch.__version__}"


def test_no_command_is_a_usage_error(runwatch_bin):
    result = cli_run(runwatch_bin)
    assert result.returncode == 2
    assert "the following arguments are required: command" in result.stderr


def test_run_without_flows_is_a_usage_error(runwatch_bin):
    result = cli_run(runwatch_bin, "run", "company.team", "hello")
    assert result.returncode == 2
    assert "the following arguments are required: --flows" in result.stderr


# --- in process -----------------------------------------------------------------------------


def test_main_validate_writes_to_the_given_stream(flows_dir):
    bad = flows_dir.write("bad.yaml", BAD_FLOW)
    out = io.StringIO()
    assert cli.main(["validate", str(flows_dir)], out=out) == 1
    assert out.getvalue().splitlines()[0] == f"{bad}:4:5: error: tasks[0].message: missing required property 'message'"
    assert out.getvalue().splitlines()[-1] == "1 file(s) checked: 2 error(s), 0 warning(s)"


def test_main_run_returns_the_exit_code_and_writes_the_execution():
    out = io.StringIO()
    code = cli.main(["run", "--flows", str(EXAMPLES), "company.team", "on_failure"], out=out)
    assert code == 1
    assert "  task alert: SUCCESS" in out.getvalue().splitlines()


def test_main_engine_error_goes_to_stderr(capsys):
    out = io.StringIO()
    assert cli.main(["run", "--flows", str(EXAMPLES), "company.team", "ghost"], out=out) == 2
    assert out.getvalue() == ""
    assert capsys.readouterr().err == "runwatch: error: Flow 'company.team.ghost' not found\n"


TEST_ALERT_FLOWS = {
    "nightly.yaml": """
id: nightly
namespace: company.team
tasks:
  - id: load
    type: io.kestra.plugin.core.execution.Fail
""",
    "on_failure.yaml": """
id: on_failure
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.flowId }} failed"
triggers:
  - id: failed
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
""",
    "streaks.yaml": """
id: streaks
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.status }}"
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    consecutive: 3
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
""",
}


@pytest.mark.parametrize("state, lines, code", [
    ("FAILED", ["company.team.nightly FAILED: fires company.monitoring.on_failure (trigger failed)",
                "company.team.nightly FAILED: counts in company.monitoring.streaks (Alert trigger failures)"], 0),
    # A success resolves the Alert trigger's streak: it counts there, and fires nothing.
    ("success", ["company.team.nightly SUCCESS: counts in company.monitoring.streaks (Alert trigger failures)"], 0),
    ("WARNING", ["company.team.nightly WARNING: no alert fires"], 1),
])
def test_test_alert_says_which_monitoring_flows_fire_or_count_the_execution(tmp_path, state, lines, code):
    for name, text in TEST_ALERT_FLOWS.items():
        (tmp_path / name).write_text(text)
    out = io.StringIO()
    assert cli.main(["test-alert", "--flows", str(tmp_path), "company.team", "nightly", state], out=out) == code
    assert sorted(out.getvalue().splitlines()) == sorted(lines)


def test_test_alert_with_an_unknown_state_exits_2_naming_it(tmp_path, capsys):
    for name, text in TEST_ALERT_FLOWS.items():
        (tmp_path / name).write_text(text)
    assert cli.main(["test-alert", "--flows", str(tmp_path), "company.team", "nightly", "burning"]) == 2
    assert capsys.readouterr().err == "runwatch: error: unknown state 'BURNING'\n"
