"""The alerting triggers' alerts and the alert history (beyond Kestra), as records.

`Engine.alerts()` and `Engine.alert_history()` return `Records` of these rows, as the
metrics return `Sample` rows: loop over them, or `to_pandas()` with one column per field
and per label (`namespace`, `flowId`, `labels.<key>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from .records import Records


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
