"""Kestra's internal storage from Python: FILE inputs given as paths or binary file objects,
read() in templates, Engine.read_file, and the storage folder beside the SQLite file."""

import io
from textwrap import dedent
from pathlib import Path
from typing import Callable

import pytest

import runwatch
from runwatch import Engine, InputError, NotFoundError

FILES = dedent("""
    id: files
    namespace: company.team
    inputs:
      - id: data
        type: FILE
    tasks:
      - id: show
        type: io.kestra.plugin.core.debug.Return
        format: "{{ read(inputs.data) }}"
    """)


def uri_of(execution: runwatch.Execution, name: str) -> str:
    return f"kestra:///company/team/files/executions/{execution.id}/inputs/data/{name}"


@pytest.mark.parametrize("as_path", [str, Path])
def test_a_path_is_copied_to_the_storage(
    engine: Engine, add: Callable[[str], runwatch.Flow], tmp_path: Path, as_path: Callable[[Path], object]
) -> None:
    add(FILES)
    (tmp_path / "report.csv").write_bytes(b"a,b\n1,2\n")
    execution = engine.run("company.team", "files", {"data": as_path(tmp_path / "report.csv")})
    assert execution.state == "SUCCESS", execution.logs()
    assert execution.inputs == {"data": uri_of(execution, "report.csv")}
    assert execution.task_run("show").outputs == {"value": "a,b\n1,2\n"}
    assert engine.read_file(uri_of(execution, "report.csv")) == b"a,b\n1,2\n"


def test_a_binary_file_object_is_copied_with_its_name(
    engine: Engine, add: Callable[[str], runwatch.Flow], tmp_path: Path
) -> None:
    add(FILES)
    unnamed = engine.run("company.team", "files", {"data": io.BytesIO(b"\x00\xffbytes")})
    assert unnamed.inputs == {"data": uri_of(unnamed, "data.upl")}  # Kestra's name for a file without one
    assert engine.read_file(uri_of(unnamed, "data.upl")) == b"\x00\xffbytes"
    assert unnamed.state == "FAILED"  # read() of bytes that are not UTF-8
    (tmp_path / "named.txt").write_bytes(b"named")
    with open(tmp_path / "named.txt", "rb") as named_file:
        named = engine.run("company.team", "files", {"data": named_file})
    assert named.inputs == {"data": uri_of(named, "named.txt")}
    assert named.task_run("show").outputs == {"value": "named"}


def test_file_input_errors(engine: Engine, add: Callable[[str], runwatch.Flow], tmp_path: Path) -> None:
    add(FILES)
    (tmp_path / "text.txt").write_text("text")
    with open(tmp_path / "text.txt") as text_file, pytest.raises(TypeError, match="binary file object"):
        engine.run("company.team", "files", {"data": text_file})
    with pytest.raises(InputError, match=f"Input 'data': no file at '{tmp_path / 'missing.csv'}'"):
        engine.run("company.team", "files", {"data": str(tmp_path / "missing.csv")})
    with pytest.raises(NotFoundError, match="File 'kestra:///company/team/files/executions/x/a.csv' not found"):
        engine.read_file("kestra:///company/team/files/executions/x/a.csv")
    with pytest.raises(runwatch.Error, match="it has a '..' segment"):
        engine.read_file("kestra:///company/../../etc/passwd")


def test_files_are_kept_beside_the_database_and_survive_a_restart(tmp_path: Path) -> None:
    config = {"kestra": {"repository": {"type": "sqlite", "path": str(tmp_path / "runwatch.db")}}}
    (tmp_path / "in.csv").write_bytes(b"kept")
    with Engine(config=config) as engine:
        engine.add_flow(FILES)
        execution = engine.run("company.team", "files", {"data": tmp_path / "in.csv"}, timeout=20)
        uri = execution.inputs["data"]
    assert (tmp_path / "storage" / "company" / "team" / "files" / "executions" / execution.id).is_dir()
    with Engine(config=config) as engine:
        assert engine.read_file(uri) == b"kept"


def test_the_base_path_is_configured(tmp_path: Path) -> None:
    config = {"kestra": {"storage": {"type": "local", "local": {"base-path": str(tmp_path / "files")}}}}
    (tmp_path / "in.csv").write_bytes(b"x")
    with Engine(config=config) as engine:
        engine.add_flow(FILES)
        execution = engine.run("company.team", "files", {"data": tmp_path / "in.csv"}, timeout=20)
    assert (tmp_path / "files" / "company" / "team" / "files" / "executions" / execution.id).is_dir()
