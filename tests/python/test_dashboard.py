"""dashboards/runwatch-grafana.json: every PromQL query parses, and every metric it reads is
one the engine exposes under the default prefix once a workload touched every part of the
catalog (executions, retries, a schedule, a Flow trigger, notifications delivered and failed)."""

from __future__ import annotations

import json
from typing import Any

import promql_parser
import pytest

import runwatch
from conftest import REPO, START, flow_yaml
from runwatch.metrics import parse_prometheus
from runwatch.testing import WebhookRecorder

DASHBOARD = REPO / "dashboards" / "runwatch-grafana.json"
# What Grafana puts in place of its variables before the query reaches Prometheus.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "6h", "$namespace": ".*"}


def load_dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, PromQL) of every panel target and of every query variable."""
    found = [(f"panel {p['title']!r} target {t['refId']}", t["expr"])
             for p in dashboard["panels"] for t in p.get("targets", [])]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            found.append((f"variable {variable['name']!r}", variable["query"]["query"]))
    return found


def substituted(expr: str) -> str:
    for name, value in sorted(GRAFANA_VARIABLES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


def metric_names(expr: str) -> set[str]:
    """The metrics a query reads; label_values(metric, label) is Grafana's, not PromQL."""
    expr = substituted(expr)
    if expr.startswith("label_values("):
        expr = expr[len("label_values("):].split(",")[0]
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def exposed_names(text: str) -> set[str]:
    """Sample names as exposed, plus each histogram's family name (its _bucket, _sum, _count)."""
    names = set()
    for sample in parse_prometheus(text):
        names.add(sample.name)
        if sample.type == "histogram":
            for suffix in ("_bucket", "_sum", "_count"):
                if sample.name.endswith(suffix):
                    names.add(sample.name[: -len(suffix)])
    return names


WORKLOAD = [
    """
    id: ok
    namespace: company.sales
    tasks:
      - id: hello
        type: io.kestra.plugin.core.log.Log
        message: hello
    """,
    """
    id: flaky
    namespace: company.sales
    tasks:
      - id: call
        type: io.kestra.plugin.core.execution.Fail
        allowFailure: true
        retry:
          type: constant
          interval: PT10S
          maxAttempt: 2
    """,
    """
    id: nightly
    namespace: company.ops
    tasks:
      - id: load
        type: io.kestra.plugin.core.execution.Fail
    triggers:
      - id: every_minute
        type: io.kestra.plugin.core.trigger.Schedule
        cron: "* * * * *"
    """,
    """
    id: alert
    namespace: company.monitoring
    tasks:
      - id: slack
        type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
        url: "{{ secret('SLACK_WEBHOOK') }}"
        payload: '{"text": "{{ trigger.flowId }} failed"}'
    triggers:
      - id: on_failure
        type: io.kestra.plugin.core.trigger.Flow
        conditions:
          - type: io.kestra.plugin.core.condition.ExecutionStatus
            in: [FAILED]
    """,
    """
    id: streaks
    namespace: company.alerts
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: "{{ trigger.status }} {{ trigger.alerts | length }}"
    triggers:
      - id: failures
        type: io.runwatch.plugin.trigger.Alert
        conditions:
          - type: io.kestra.plugin.core.condition.ExecutionNamespace
            namespace: company.ops
    """,
]


@pytest.fixture(scope="module")
def exposition() -> str:
    """The engine's exposition after two minutes of the workload from 10:00:00: the schedule
    fires at 10:01 and 10:02, each failure alerts, the first alert is refused (400), the
    second delivered; the Alert trigger notifies once."""
    clock = runwatch.ManualClock(START)
    with WebhookRecorder() as hook, runwatch.Engine(
        clock=clock, worker_threads=2, secrets={"SLACK_WEBHOOK": hook.url_for("/slack")}
    ) as engine:
        hook.fail_next(1, status=400)
        for flow in WORKLOAD:
            engine.add_flow(flow_yaml(flow))
        engine.run("company.sales", "ok", timeout=10)
        engine.run("company.sales", "flaky", wait=False)
        for _ in range(12):
            clock.advance(10)
            assert engine.wait_idle(timeout=10)
        assert [e.state for e in engine.executions(namespace="company.ops")] == ["FAILED", "FAILED"]
        assert [e.state for e in engine.executions(namespace="company.monitoring")] == ["FAILED", "SUCCESS"]
        assert len(hook.requests) == 2
        # The Alert trigger: one notification for nightly's failures, 30 s after the first.
        assert [e.state for e in engine.executions(namespace="company.alerts")] == ["SUCCESS"]
        return engine.metrics.prometheus_text()


def test_the_dashboard_is_a_grafana_dashboard_over_a_prometheus_variable():
    dashboard = load_dashboard()
    assert dashboard["schemaVersion"] == 39
    (datasource,) = [v for v in dashboard["templating"]["list"] if v["type"] == "datasource"]
    assert (datasource["name"], datasource["query"]) == ("datasource", "prometheus")
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
            assert panel["fieldConfig"]["defaults"]["unit"], f"panel {panel['title']!r} has no unit"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_every_query_parses():
    for where, expr in queries(load_dashboard()):
        try:
            metric_names(expr)
        except Exception as e:  # the parser's own error type says nothing more
            pytest.fail(f"{where}: {expr!r} does not parse: {e}")


def test_the_dashboard_covers_the_catalog_areas():
    read = set().union(*(metric_names(expr) for _, expr in queries(load_dashboard())))
    for metric in (
        "kestra_executor_execution_end_count_total",
        "kestra_worker_ended_duration_seconds_bucket",
        "kestra_worker_running_count",
        "kestra_worker_job_thread",
        "kestra_scheduler_trigger_delay_duration_seconds_bucket",
        "kestra_notification_failed_count_total",
        "kestra_alerts",
        "kestra_alert_notifications_total",
        "kestra_silences",
    ):
        assert metric in read


def test_every_metric_the_dashboard_reads_is_exposed_with_the_default_prefix(exposition):
    exposed = exposed_names(exposition)
    for where, expr in queries(load_dashboard()):
        missing = sorted(metric_names(expr) - exposed)
        assert missing == [], f"{where} reads metrics the engine does not expose: {missing}"


def test_the_workload_exposes_the_failure_paths_the_dashboard_shows(exposition):
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in parse_prometheus(exposition)}
    assert samples[("kestra_scheduler_trigger_count_total", (
        ("flow_id", "nightly"), ("namespace_id", "company.ops"),
        ("trigger_type", "io.kestra.plugin.core.trigger.Schedule")))] == 2
    assert samples[("kestra_worker_retried_count_total", (
        ("flow_id", "flaky"), ("namespace_id", "company.sales"),
        ("task_type", "io.kestra.plugin.core.execution.Fail")))] == 1
    failed = {k: v for k, v in samples.items() if k[0] == "kestra_notification_failed_count_total"}
    assert sum(failed.values()) == 1
    assert samples[("kestra_alert_notifications_total", (("outcome", "sent"), ("reason", "first")))] == 1
    assert samples[("kestra_alerts", (("state", "firing"),))] == 1


def test_names_are_read_from_vector_and_range_selectors_only():
    expr = 'histogram_quantile(0.9, sum by (le, task_type) (rate(a_bucket{namespace_id=~"$namespace"}[$__rate_interval]))) / on () sum(b)'
    assert metric_names(expr) == {"a_bucket", "b"}
    assert metric_names("label_values(c_total, namespace_id)") == {"c_total"}
    with pytest.raises(Exception):
        metric_names("sum(rate(a[5m])")
