"""runwatch: a Kestra-compatible alerting and monitoring engine for workflow executions."""

from __future__ import annotations

from . import metrics, testing
from ._core import Flow, LogEntry, ManualClock, TaskRun, __version__
from .engine import Engine, TriggerMatch
from .errors import Error, ExecutionTimeout, FlowValidationError, InputError, NotFoundError, ValidationIssue
from .execution import Execution
from .notifier import NotificationMessage, Notifier
from .tasks import TaskContext, task

__all__ = [
    "Engine",
    "Error",
    "Execution",
    "ExecutionTimeout",
    "Flow",
    "FlowValidationError",
    "InputError",
    "LogEntry",
    "ManualClock",
    "NotFoundError",
    "NotificationMessage",
    "Notifier",
    "TaskContext",
    "TaskRun",
    "TriggerMatch",
    "ValidationIssue",
    "__version__",
    "metrics",
    "task",
    "testing",
]
