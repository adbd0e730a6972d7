"""runwatch: a Kestra-compatible alerting and monitoring engine for workflow executions."""

from __future__ import annotations

from . import metrics, testing
from ._core import Flow, LogEntry, ManualClock, TaskRun, __version__
from .alerts import Alert, AlertEvent
from .engine import ConfigWarning, Engine, KeyValueStore, KvValue, ScheduledTrigger, Server, TriggerMatch, load_config
from .errors import ConfigError, Error, ExecutionTimeout, FlowValidationError, InputError, NotFoundError, ValidationIssue
from .execution import Execution
from .notifier import NotificationMessage, Notifier
from .records import Records
from .tasks import TaskContext, task
from .validation import Issues, validate

__all__ = [
    "Alert",
    "AlertEvent",
    "ConfigError",
    "ConfigWarning",
    "Engine",
    "Error",
    "Execution",
    "ExecutionTimeout",
    "Flow",
    "FlowValidationError",
    "InputError",
    "Issues",
    "KeyValueStore",
    "KvValue",
    "LogEntry",
    "ManualClock",
    "Records",
    "NotFoundError",
    "NotificationMessage",
    "Notifier",
    "TaskContext",
    "ScheduledTrigger",
    "Server",
    "TaskRun",
    "TriggerMatch",
    "ValidationIssue",
    "__version__",
    "load_config",
    "metrics",
    "task",
    "testing",
    "validate",
]
