"""A read-only view of an execution: its state, task runs, outputs and logs."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional

from . import _core

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR")


def level_rank(level: str) -> int:
    name = "WARN" if level.upper() == "WARNING" else level.upper()
    if name not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; expected one of {', '.join(LEVELS)}")
    return LEVELS.index(name)


class Execution:
    """One execution of a flow, as the engine last recorded it (a snapshot: it does not change)."""

    __slots__ = ("_snapshot",)

    def __init__(self, snapshot: _core.Execution) -> None:
        self._snapshot = snapshot

    @property
    def id(self) -> str:
        return self._snapshot.id

    @property
    def namespace(self) -> str:
        return self._snapshot.namespace

    @property
    def flow_id(self) -> str:
        return self._snapshot.flow_id

    @property
    def flow_revision(self) -> int:
        return self._snapshot.flow_revision

    @property
    def state(self) -> str:
        """Kestra's state name: CREATED, RUNNING, SUCCESS, WARNING, FAILED, KILLED, ..."""
        return self._snapshot.state

    @property
    def state_history(self) -> list[tuple[str, _dt.datetime]]:
        return self._snapshot.state_history

    @property
    def start_date(self) -> _dt.datetime:
        return self._snapshot.start_date

    @property
    def end_date(self) -> Optional[_dt.datetime]:
        return self._snapshot.end_date

    @property
    def duration(self) -> Optional[_dt.timedelta]:
        """Time from creation to the terminal state; None while it runs."""
        return self._snapshot.duration

    @property
    def inputs(self) -> dict[str, Any]:
        return self._snapshot.inputs

    @property
    def labels(self) -> dict[str, str]:
        return self._snapshot.labels

    @property
    def outputs(self) -> dict[str, Any]:
        """The outputs of every task run, by task id (the `outputs` templates see)."""
        return self._snapshot.outputs

    @property
    def flow_outputs(self) -> dict[str, Any]:
        """The flow's `outputs`, rendered once it succeeded (empty otherwise)."""
        return self._snapshot.flow_outputs

    @property
    def attempt_number(self) -> int:
        """1, or which attempt this is of a flow retried with behavior CREATE_NEW_EXECUTION."""
        return self._snapshot.attempt_number

    @property
    def original_id(self) -> str:
        """The id of the first attempt (this execution's own id when it is the first)."""
        return self._snapshot.original_id

    @property
    def task_runs(self) -> list[_core.TaskRun]:
        return self._snapshot.task_runs

    @property
    def trigger(self) -> Any:
        return self._snapshot.trigger

    @property
    def is_terminal(self) -> bool:
        return self.end_date is not None

    def task_run(self, task_id: str, value: Optional[str] = None) -> _core.TaskRun:
        """The task run of `task_id` (inside a loop: the first, or the one for `value`);
        KeyError when the task did not run."""
        for run in self._snapshot.task_runs:
            if run.task_id == task_id and (value is None or run.value == value):
                return run
        for_value = "" if value is None else f" for value {value!r}"
        raise KeyError(f"no task run for task {task_id!r}{for_value} in execution {self.id}")

    def task_runs_of(self, task_id: str) -> list[_core.TaskRun]:
        """Every run of `task_id`, in the order they started: one per loop value."""
        return [run for run in self._snapshot.task_runs if run.task_id == task_id]

    def logs(self, level: Optional[str] = None, task_id: Optional[str] = None) -> list[_core.LogEntry]:
        """Log lines, oldest first; `level` keeps that level and above, `task_id` one task's lines."""
        entries = self._snapshot.log_entries
        if level is not None:
            minimum = level_rank(level)
            entries = [e for e in entries if LEVELS.index(e.level) >= minimum]
        if task_id is not None:
            entries = [e for e in entries if e.task_id == task_id]
        return list(entries)

    def __repr__(self) -> str:
        return f"<Execution {self.id} {self.namespace}.{self.flow_id} {self.state}>"
