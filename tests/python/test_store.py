"""The durable store: executions recorded by one run are read back by the next, and a
database file that cannot be used stops `runwatch server` with exit code 2."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runwatch import Engine, Error, FlowValidationError

FLOW = """
id: hello
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ execution.id }}"
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
"""


def sqlite_config(path: Path) -> dict[str, Any]:
    return {"kestra": {"repository": {"type": "sqlite", "path": str(path)}}}


def summary(engine: Engine) -> dict[str, Any]:
    """Everything a user reads of each execution."""
    return {
        e.id: (e.namespace, e.flow_id, e.state, e.state_history, e.inputs,
               [(tr.id, tr.task_id, tr.state, tr.state_history, [a.state_history for a in tr.attempts], tr.outputs)
                for tr in e.task_runs],
               [(log.timestamp, log.level, log.task_id, log.attempt, log.message) for log in e.logs()])
        for e in engine.executions()
    }


def test_engine_executions_reads_the_executions_of_an_earlier_run(tmp_path):
    config = sqlite_config(tmp_path / "runwatch.db")
    with Engine(config=config) as first:
        first.add_flow(FLOW)
        for i in range(6):
            first.run("company.team", "hello", inputs={"fail": i % 3 == 0}, timeout=10)
        before = summary(first)
    assert len(before) == 6
    with Engine(config=config) as second:
        assert summary(second) == before
        assert len(second.executions(state="FAILED")) == 2
        assert second.recovered == 0


def test_flows_are_back_after_a_restart_with_their_revisions(tmp_path):
    config = sqlite_config(tmp_path / "runwatch.db")
    changed = FLOW.replace("Hello", "Hi")
    with Engine(config=config) as first:
        first.add_flow(FLOW)
        assert first.add_flow(changed).revision == 2
        first.add_flow(FLOW.replace("id: hello", "id: gone"))
        assert first.remove_flow("company.team", "gone")
    with Engine(config=config) as second:
        assert [(f.id, f.revision) for f in second.flows()] == [("hello", 2)]
        assert second.flow("company.team", "hello").source == changed
        execution = second.run("company.team", "hello", timeout=10)
        assert execution.state == "SUCCESS"
        assert execution.flow_revision == 2
        # The deletion was revision 2: created again, the flow goes on from there.
        assert second.add_flow(FLOW.replace("id: hello", "id: gone")).revision == 3


def test_flow_files_given_at_start_become_new_revisions_only_when_changed(tmp_path):
    config = sqlite_config(tmp_path / "runwatch.db")
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "hello.yaml").write_text(FLOW)
    with Engine(config=config, flows=folder) as first:
        assert first.flow("company.team", "hello").revision == 1
    with Engine(config=config, flows=folder) as unchanged:
        assert unchanged.flow("company.team", "hello").revision == 1
    (folder / "hello.yaml").write_text(FLOW.replace("Hello", "Hi"))
    with Engine(config=config, flows=folder) as changed:
        assert changed.flow("company.team", "hello").revision == 2
        assert changed.flow("company.team", "hello").source_file == str(folder / "hello.yaml")


def test_invalid_flow_files_at_start_are_an_error_and_release_the_database(tmp_path):
    config = sqlite_config(tmp_path / "runwatch.db")
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "bad.yaml").write_text("id: bad\nnamespace: company.team\ntasks: []\n")
    with pytest.raises(FlowValidationError) as raised:
        Engine(config=config, flows=folder)
    assert [(i.file, i.path) for i in raised.value.issues] == [(str(folder / "bad.yaml"), "tasks")]
    with Engine(config=config) as again:  # the file is not left locked
        assert again.flows() == []


def test_the_memory_store_forgets_everything(tmp_path):
    with Engine() as first:
        first.add_flow(FLOW)
        first.run("company.team", "hello", timeout=10)
    with Engine() as second:
        assert second.executions() == []


def test_a_database_in_a_missing_directory_is_an_error(tmp_path):
    path = tmp_path / "nowhere" / "runwatch.db"
    with pytest.raises(Error) as raised:
        Engine(config=sqlite_config(path))
    assert str(raised.value) == (f"Cannot open the database '{path}': the directory '{path.parent}' does not exist")


def corrupt(database: Path) -> None:
    """A database with executions whose pages after the first are overwritten."""
    with Engine(config=sqlite_config(database)) as engine:
        engine.add_flow(FLOW)
        for _ in range(50):
            engine.run("company.team", "hello", wait=False)
        engine.wait_idle(timeout=20)
    with database.open("r+b") as file:
        file.seek(4096)
        file.write(b"\xa5" * 16384)


@pytest.mark.parametrize("damage, expected", [
    ("garbage", "it is not a SQLite database (file is not a database)"),
    ("corrupted", "it is corrupted (database disk image is malformed)"),
    ("read-only", "the file is read-only"),
    ("locked", "it is locked by another process (another runwatch server on the same file?)"),
    ("missing-directory", "the directory '{folder}' does not exist"),
])
def test_runwatch_server_refuses_a_database_it_cannot_use(tmp_path, damage, expected):
    database = tmp_path / "runwatch.db"
    holder = None
    if damage == "garbage":
        database.write_bytes(b"x" * 8192)
    elif damage == "corrupted":
        corrupt(database)
    elif damage == "read-only":
        with Engine(config=sqlite_config(database)):
            pass
        database.chmod(0o444)
    elif damage == "locked":
        holder = Engine(config=sqlite_config(database))  # this process is its writer
    else:
        database = tmp_path / "missing" / "runwatch.db"
    config = tmp_path / "application.yml"
    config.write_text(f"kestra:\n  repository:\n    path: {database}\n")
    env = dict(os.environ, ENDPOINTS_ALL_PORT="0", MICRONAUT_SERVER_PORT="0")
    try:
        process = subprocess.run([sys.executable, "-m", "runwatch.cli", "server", "--config", str(config)],
                                 capture_output=True, text=True, env=env, cwd=tmp_path, timeout=30)
    finally:
        if holder:
            holder.stop()
    assert process.returncode == 2
    reason = expected.format(folder=database.parent)
    assert process.stderr.strip() == f"runwatch: error: Cannot open the database '{database}': {reason}"


def test_retention_purges_ended_executions_when_the_engine_starts(tmp_path):
    config = sqlite_config(tmp_path / "runwatch.db")
    with Engine(config=config) as first:
        first.add_flow(FLOW)
        first.run("company.team", "hello", timeout=10)
    config["kestra"]["repository"]["retention"] = "P1D"
    with Engine(config=config) as kept:
        assert len(kept.executions()) == 1
    config["kestra"]["repository"]["retention"] = "PT0S"
    with Engine(config=config) as purged:
        assert purged.executions() == []
