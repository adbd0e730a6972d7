"""Shared fixtures for the runwatch Python tests.

The tests run against the *installed* package (``make install``), from this folder;
time is driven by a ManualClock and ``engine.wait_idle()``, never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import textwrap
import time
from pathlib import Path
from typing import Callable

import pytest

import runwatch

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "flows"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "kestra-flows" / "valids"
SPEC_EXAMPLES = SHARED / "spec" / "examples"
BIN = Path(sys.executable).parent
START = dt.datetime(2024, 1, 31, 10, 0, 0, tzinfo=dt.timezone.utc)

# Generous bound for things that finish at once (a child process, a log task).
PROMPT = 10.0

_type_numbers = itertools.count(1)


def flow_yaml(text: str) -> str:
    """Dedents a flow written inline in a test."""
    return textwrap.dedent(text).lstrip("\n")


def poll(predicate: Callable[[], bool], timeout: float = PROMPT) -> bool:
    """Waits for something that happens at once on another thread (not for time to pass)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


@pytest.fixture
def clock() -> runwatch.ManualClock:
    return runwatch.ManualClock(START)


@pytest.fixture
def engine(clock: runwatch.ManualClock):
    """An engine on a manual clock with 4 worker threads, stopped after the test."""
    with runwatch.Engine(clock=clock, worker_threads=4) as e:
        yield e


@pytest.fixture
def add(engine: runwatch.Engine) -> Callable[[str], runwatch.Flow]:
    """Adds an inline (dedented) flow to the engine."""
    return lambda text: engine.add_flow(flow_yaml(text))


class FlowsDir:
    """A temporary folder of flow files."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, name: str, text: str) -> Path:
        file = self.path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(flow_yaml(text))
        return file

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


@pytest.fixture
def flows_dir(tmp_path: Path) -> FlowsDir:
    folder = tmp_path / "flows"
    folder.mkdir()
    return FlowsDir(folder)


@pytest.fixture
def type_name() -> str:
    """A task type name no other test registers (the plugin registry is process-wide)."""
    return f"io.test.python.Task{next(_type_numbers)}"


@pytest.fixture
def runwatch_bin() -> Path:
    """The installed console script, beside the interpreter running the tests."""
    script = BIN / "runwatch"
    assert script.exists(), f"{script} missing: run `make install`"
    return script
