"""Notifiers written in Python: subclass `runwatch.Notifier`.

A subclass that sets `type` becomes a task type flows can use, with the properties of
Kestra's *Execution notifications (`executionId`, by default the current execution,
`customFields` and `customMessage`) plus one property per extra parameter of its `send`
method. Each run receives the same execution summary as SlackExecution::

    class Ticket(runwatch.Notifier):
        type = "io.example.Ticket"

        def send(self, ctx, message, project: str, priority: str = "P3"):
            tracker.open(project, title=message.headline, body=message.outcome)
            return {"ticket": "T-1"}
"""

from __future__ import annotations

import datetime as _dt
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional, get_type_hints

from . import _core
from .tasks import TaskContext, _properties_of

_BASE_PROPERTIES = _core.execution_properties()  # executionId, customFields, customMessage
_BASE_NAMES = frozenset(p.name for p in _BASE_PROPERTIES)


@dataclass(frozen=True)
class NotificationMessage:
    """What a notifier reports: the summary SlackExecution and the other *Execution tasks send."""

    namespace: str
    flow_id: str
    execution_id: str
    state: str  # the execution's state; when it reports on its own execution, the state it is heading for
    failed_task: Optional[str]  # the first task that failed, if any
    last_task: Optional[str]  # Kestra's "Final task ID"
    start_date: _dt.datetime
    duration: _dt.timedelta
    link: Optional[str]  # the execution's page, when kestra.url is configured
    custom_message: Optional[str]
    custom_fields: dict[str, Any] = field(default_factory=dict)
    headline: str = ""  # "[company.team] etl ➛ FAILED"
    outcome: str = ""  # "Failed on task `load` after 00:00:01.500"
    idempotency_key: str = ""  # stable for this task run: lets the receiver drop duplicates
    # Started by an alerting trigger, about its own execution (beyond Kestra): the notification's
    # alerts as trigger.alerts lists them (each with its link when kestra.url is set), its
    # status (firing, resolved) and reason (first, new, repeat, resolved).
    alerts: list[dict[str, Any]] = field(default_factory=list)
    alert_status: Optional[str] = None
    alert_reason: Optional[str] = None

    @property
    def text(self) -> str:
        """The headline and the outcome on two lines, for plain-text channels."""
        return f"{self.headline}\n{self.outcome}"

    @classmethod
    def _from_core(cls, data: Mapping[str, Any]) -> "NotificationMessage":
        start = _dt.datetime.fromisoformat(data["start_date"].replace("Z", "+00:00"))
        return cls(
            namespace=data["namespace"],
            flow_id=data["flow_id"],
            execution_id=data["execution_id"],
            state=data["state"],
            failed_task=data["failed_task"],
            last_task=data["last_task"],
            start_date=start,
            duration=_dt.timedelta(seconds=data["duration"]),
            link=data["link"],
            custom_message=data["custom_message"],
            custom_fields=dict(data["custom_fields"]),
            headline=data["headline"],
            outcome=data["outcome"],
            idempotency_key=data["idempotency_key"],
            alerts=list(data["alerts"]),
            alert_status=data["alert_status"],
            alert_reason=data["alert_reason"],
        )


def _extra_properties(cls: "type[Notifier]") -> list[_core.PropertySpec]:
    """The properties `send` declares after (self, ctx, message)."""
    parameters = list(inspect.signature(cls.send).parameters.values())[3:]
    try:
        hints = get_type_hints(cls.send)  # resolves postponed (string) annotations
    except Exception:  # names only the defining scope knows: keep the annotations as written
        hints = {}
    for p in parameters:
        if p.name in _BASE_NAMES:
            raise TypeError(f"{cls.__name__}.send: property {p.name!r} is already defined by Notifier")
    return _properties_of(parameters, hints, f"{cls.__name__}.send")


class Notifier:
    """Base class of notifiers written in Python.

    Set `type` to the task type's full name (and optionally `aliases` and `description`)
    and implement `send`. Defining the subclass registers it; `register()` registers it
    again, e.g. after an engine was created with another definition of the same type.
    `send` runs on a worker thread, on a new instance each time; it returns a dict of
    outputs (or None) and fails the task by raising.
    """

    type: ClassVar[str]
    aliases: ClassVar[Sequence[str]] = ()
    description: ClassVar[Optional[str]] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            cls.register()

    @classmethod
    def register(cls) -> None:
        """Registers this class as the task type `cls.type`."""
        type_name = getattr(cls, "type", None)
        if not isinstance(type_name, str) or not type_name or type_name != type_name.strip():
            raise ValueError(f"{cls.__name__}.type must be a task type name, got {type_name!r}")
        if cls.send is Notifier.send:
            raise TypeError(f"{cls.__name__} must implement send(self, ctx, message, ...)")
        extras = _extra_properties(cls)
        extra_names = [p.name for p in extras]

        def call(ctx: TaskContext, rendered: dict[str, Any]) -> Optional[Mapping[str, Any]]:
            message = NotificationMessage._from_core(rendered[_core.NOTIFIER_MESSAGE_KEY])
            arguments = {name: rendered[name] for name in extra_names if name in rendered}
            return cls().send(ctx, message, **arguments)

        own_doc = cls.__dict__.get("__doc__")
        doc = cls.description if cls.description is not None else inspect.cleandoc(own_doc) if own_doc else ""
        _core.register_task(type_name, list(cls.aliases), doc, [*_BASE_PROPERTIES, *extras], call)
        _core.wrap_notifier(type_name)

    def send(self, ctx: TaskContext, message: NotificationMessage, **properties: Any) -> Optional[Mapping[str, Any]]:
        """Delivers `message`; the extra parameters are the notifier's own properties."""
        raise NotImplementedError
