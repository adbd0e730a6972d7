"""The alerting triggers' alerts and the alert history (beyond Kestra), as records, and the
`runwatch alerts` commands' client and printing.

`Engine.alerts()` and `Engine.alert_history()` return `Records` of these rows, as the
metrics return `Sample` rows: loop over them, or `to_pandas()` with one column per field
and per label (`namespace`, `flowId`, `labels.<key>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional, TextIO

from .api_client import ApiClient
from .records import Records
from .silences import format_instant


@dataclass(frozen=True)
class Alert:
    """One group's alert of an alerting trigger (Alert, Absence, Stuck)."""

    alert: str  # the trigger's flow, namespace.flowId
    trigger_id: str
    status: str  # pending, firing or resolved
    labels: dict[str, str]  # namespace, flowId and the groupBy labels (Stuck: executionId)
    streak: int
    count: int
    starts_at: Optional[dt.datetime]
    first_execution_id: str
    last_execution_id: str
    last_date: Optional[dt.datetime]
    last_state: str
    deadline: Optional[dt.datetime] = None  # Absence
    task: Optional[str] = None  # Stuck: the task it was stuck in


@dataclass(frozen=True)
class AlertEvent:
    """One decision of the alert history: fired, grouped, repeated, resolved, suppressed
    (by a silence, `reason` its id), delivered or failed (`reason` why)."""

    date: dt.datetime
    status: str
    alert: str  # the notifying flow, namespace.flowId
    trigger_id: str  # empty for deliveries
    namespace: str  # the flow and execution the entry is about
    flow_id: str
    execution_id: str
    group_key: str
    labels: dict[str, Any]
    notification_execution_id: str
    task_id: str
    reason: str
    idempotency_key: str


_ALERT_FIELDS = ("alert", "trigger_id", "status", "streak", "count", "starts_at", "first_execution_id",
                 "last_execution_id", "last_date", "last_state", "deadline", "task")
_EVENT_FIELDS = ("date", "status", "alert", "trigger_id", "namespace", "flow_id", "execution_id", "group_key",
                 "notification_execution_id", "task_id", "reason", "idempotency_key")


def _instant(text: Optional[str]) -> Optional[dt.datetime]:
    return None if text is None else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def alert_records(alerts: Iterable[dict[str, Any]]) -> Records[Alert]:
    """Alerts as GET /api/v1/alerts lists them, as records."""
    def split(a: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        trigger = a["alert"]
        return {"alert": f"{trigger['namespace']}.{trigger['flowId']}", "trigger_id": trigger["triggerId"],
                "status": a["status"], "streak": a["streak"], "count": a["count"],
                "starts_at": _instant(a["startsAt"]), "first_execution_id": a["firstExecutionId"],
                "last_execution_id": a["lastExecutionId"], "last_date": _instant(a["lastDate"]),
                "last_state": a["lastState"], "deadline": _instant(a.get("deadline")), "task": a.get("task")}, \
            a["labels"]

    return Records.from_rows(map(split, alerts), _ALERT_FIELDS, lambda f, labels: Alert(labels=labels, **f))


def alert_event_records(events: Iterable[dict[str, Any]]) -> Records[AlertEvent]:
    """Alert history entries as GET /api/v1/alerts/history lists them, as records; the
    labels other than namespace and flowId (fields of their own) as columns."""
    def split(e: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        trigger = e["alert"]
        labels = {k: v for k, v in e["labels"].items() if k not in ("namespace", "flowId")}
        return {"date": _instant(e["date"]), "status": e["status"],
                "alert": f"{trigger['namespace']}.{trigger['flowId']}", "trigger_id": trigger["triggerId"],
                "namespace": e["namespace"], "flow_id": e["flowId"], "execution_id": e["executionId"],
                "group_key": e["groupKey"], "notification_execution_id": e["notificationExecutionId"],
                "task_id": e["taskId"], "reason": e["reason"], "idempotency_key": e["idempotencyKey"]}, labels

    def row(f: dict[str, Any], labels: dict[str, Any]) -> AlertEvent:
        return AlertEvent(labels={"namespace": f["namespace"], "flowId": f["flow_id"], **labels}, **f)

    return Records.from_rows(map(split, events), _EVENT_FIELDS, row)


class AlertsClient:
    """The alerts API of a running `runwatch server` (`runwatch alerts`)."""

    def __init__(self, server: str, timeout: float = 10.0) -> None:
        self.api = ApiClient(server, timeout)

    def current(self, namespace: Optional[str] = None, flow_id: Optional[str] = None, alert: Optional[str] = None,
                status: Optional[str] = None) -> Records[Alert]:
        query = {"namespace": namespace, "flowId": flow_id, "alert": alert, "status": status}
        return alert_records(self.api.call("GET", "/alerts", query=query))

    def history(self, namespace: Optional[str] = None, flow_id: Optional[str] = None, alert: Optional[str] = None,
                status: Optional[str] = None, start: Optional[str] = None, end: Optional[str] = None,
                size: int = 50) -> tuple[Records[AlertEvent], int]:
        """The newest `size` entries (ISO-8601 `start` and `end`, inclusive), and how many match."""
        query = {"namespace": namespace, "flowId": flow_id, "alert": alert, "status": status, "startDate": start,
                 "endDate": end, "size": size}
        answer = self.api.call("GET", "/alerts/history", query=query)
        return alert_event_records(answer["results"]), int(answer["total"])


def _when(date: Optional[dt.datetime]) -> str:
    return "-" if date is None else format_instant(date)


def _group(namespace: str, flow_id: str, labels: dict[str, Any]) -> str:
    others = " ".join(f"{k}={v}" for k, v in labels.items() if k not in ("namespace", "flowId"))
    return f"{namespace}.{flow_id}" + (f" {others}" if others else "")


def print_alerts(alerts: Iterable[Alert], out: TextIO) -> None:
    """One line per alert: status, trigger, group, streak, since when, last execution."""
    for a in alerts:
        extra = (f"  deadline {_when(a.deadline)}" if a.deadline else "") + (f"  task {a.task}" if a.task else "")
        print(f"{a.status:<8} {a.alert}/{a.trigger_id}  {_group(a.labels['namespace'], a.labels['flowId'], a.labels)}"
              f"  streak {a.streak}  since {_when(a.starts_at)}  last {a.last_execution_id or '-'} {a.last_state}"
              f"{extra}", file=out)


def print_history(events: Iterable[AlertEvent], total: int, out: TextIO) -> None:
    """One line per entry, as given (newest first), then how many more there are."""
    shown = 0
    for e in events:
        shown += 1
        task = f"  task {e.task_id}" if e.task_id else ""
        reason = f"  {e.reason}" if e.reason else ""
        print(f"{_when(e.date)}  {e.status:<10} {e.alert}  about {_group(e.namespace, e.flow_id, e.labels)}"
              f" {e.execution_id or '-'}{task}{reason}", file=out)
    if total > shown:
        print(f"({shown} of {total} entries; --limit shows more)", file=out)
