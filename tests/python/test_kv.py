"""The namespace KV store: a flow's kv.Set read by the next execution with kv() and kv.Get,
the Python API over the same store, ttl on the manual clock, and what survives a restart."""

import datetime
from pathlib import Path
from typing import Callable

import pytest

import runwatch
from runwatch import Engine, Error, KvValue


def test_a_value_set_by_one_execution_is_read_by_the_next(
    engine: Engine, add: Callable[[str], runwatch.Flow]
) -> None:
    add("""
        id: remember
        namespace: company.team
        tasks:
          - id: set
            type: io.kestra.plugin.core.kv.Set
            key: last-failure
            value: {"flow": "etl", "count": 2}
        """)
    add("""
        id: recall
        namespace: company.team
        tasks:
          - id: template
            type: io.kestra.plugin.core.debug.Return
            format: "{{ kv('last-failure').flow }} x{{ kv('last-failure').count }}"
          - id: get
            type: io.kestra.plugin.core.kv.Get
            key: last-failure
        """)
    assert engine.run("company.team", "remember").state == "SUCCESS"
    recalled = engine.run("company.team", "recall")
    assert recalled.state == "SUCCESS", recalled.logs()
    assert recalled.task_run("template").outputs == {"value": "etl x2"}
    assert recalled.task_run("get").outputs == {"value": {"flow": "etl", "count": 2}}
    assert engine.kv("company.team").get("last-failure") == {"flow": "etl", "count": 2}


def test_the_python_api_sets_gets_lists_and_deletes(engine: Engine, clock: runwatch.ManualClock) -> None:
    store = engine.kv("company.team")
    store.set("threshold", 0.5)
    store.set("token", "abc", ttl=datetime.timedelta(minutes=1), description="short-lived")
    assert store.entry("threshold") == KvValue(0.5, "NUMBER")
    assert store.get("token") == "abc"
    assert store.keys() == ["threshold", "token"]
    with pytest.raises(Error, match="Key already exists and `overwrite` is set to `false`"):
        store.set("threshold", 1, overwrite=False)
    clock.advance(61)
    assert store.get("token") is None
    assert store.get("token", "expired") == "expired"
    assert store.keys() == ["threshold"]
    assert store.delete("threshold") is True
    assert store.delete("threshold") is False
    assert engine.kv("company").keys() == []


def test_bad_keys_and_oversized_values_raise_errors(engine: Engine) -> None:
    store = engine.kv("company.team")
    with pytest.raises(Error, match=r"^Key '\.\./x' must start with an alphanumeric character"):
        store.set("../x", 1)
    with pytest.raises(Error, match="bytes as JSON, more than the 1048576 a key may hold"):
        store.set("big", "x" * (1024 * 1024))
    with pytest.raises(Error, match="^Invalid namespace 'Company'"):
        engine.kv("Company").keys()


def test_keys_survive_a_restart_with_sqlite(tmp_path: Path) -> None:
    config = {"kestra": {"repository": {"type": "sqlite", "path": str(tmp_path / "runwatch.db")}}}
    with Engine(config=config) as first:
        first.kv("company.team").set("on-call", ["ana", "ben"])
    with Engine(config=config) as second:
        assert second.kv("company.team").entry("on-call") == KvValue(["ana", "ben"], "JSON")
