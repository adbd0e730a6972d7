"""Real, public Kestra alerting flows (tests/corpus/alerting-flows: blueprints, docs pages,
plugin examples and Kestra's own test flows, each with its source on its first line), as a
new user copies them: every one loads unless it needs something runwatch lacks, refused
for exactly that; and every one that alerts from its own run (an errors branch, or a
notifier among its tasks) delivers to a local sink, its URLs redirected by forced
server-side plugin defaults, as an operator would point a staging server elsewhere; and
every monitor (a Flow trigger) alerts the sink when an execution it watches fails."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import runwatch
from conftest import REPO
from runwatch import plugins
from runwatch.testing import WebhookRecorder

FLOWS = REPO / "tests" / "corpus" / "alerting-flows"

# The flows runwatch refuses, each for the reason it gives (the error messages, sorted): a
# type or a flow key runwatch lacks, or a mistake in the flow itself.
REFUSED: dict[str, list[str]] = {
    'blueprints-beam-flink-portable-pipeline.yaml': [
        "tasks[0].type: unsupported task type 'io.kestra.plugin.core.http.Download' (not implemented by runwatch)",
        "tasks[2].type: unsupported task type 'io.kestra.plugin.core.storage.Write' (not implemented by runwatch)",
        "tasks[3].type: unsupported task type 'io.kestra.plugin.beam.RunPipeline' (not implemented by runwatch)",
    ],
    'blueprints-create-jira-ticket-on-failure.yaml': [
        "tasks[0].type: unsupported task type 'io.kestra.plugin.jira.issues.Create' (not implemented by runwatch)",
    ],
    'blueprints-documentdb-api-ingest.yaml': [
        "tasks[2].tasks[0].type: unsupported task type 'io.kestra.plugin.documentdb.Read' (not implemented by runwatch)",
        "tasks[2].tasks[1].else[0].type: unsupported task type 'io.kestra.plugin.documentdb.Insert' (not implemented by runwatch)",
        "tasks[2].tasks[1].then[0].type: unsupported task type 'io.kestra.plugin.documentdb.Update' (not implemented by runwatch)",
        "tasks[3].type: unsupported task type 'io.kestra.plugin.documentdb.Read' (not implemented by runwatch)",
        "tasks[4].type: unsupported task type 'io.kestra.plugin.documentdb.Insert' (not implemented by runwatch)",
    ],
    'blueprints-hightouch-dbt-test-gate.yaml': [
        "tasks[0].type: unsupported task type 'io.kestra.plugin.dbt.cli.DbtCLI' (not implemented by runwatch)",
        "tasks[1].type: unsupported task type 'io.kestra.plugin.dbt.cli.DbtCLI' (not implemented by runwatch)",
        "tasks[2].type: unsupported task type 'io.kestra.plugin.hightouch.Sync' (not implemented by runwatch)",
    ],
    'blueprints-opa-policy-lifecycle.yaml': [
        "tasks[0].type: unsupported task type 'io.kestra.plugin.git.Clone' (not implemented by runwatch)",
        "tasks[4].type: unsupported task type 'io.kestra.plugin.ee.opa.policy.Upload' (not implemented by runwatch)",
    ],
    'blueprints-tencent-qq-failure-alert.yaml': [
        "tasks[0].type: unsupported task type 'io.kestra.plugin.tencent.qq.QQExecution' (not implemented by runwatch)",
    ],
    'kestra-listeners.yaml': [
        "listeners: 'listeners' is not supported by runwatch (deprecated in Kestra; use a flow with a Flow trigger)",
    ],
    # Kestra's own example names a property SendGridMailSend lacks: Kestra refuses it too.
    'plugin-notifications-SendGridMailSend-unreliable_flow.yaml': [
        "errors[0].htmlTextContent: unknown property 'htmlTextContent' of task type io.kestra.plugin.twilio.sendgrid.SendGridMailSend; did you mean htmlContent, textContent?",
        "errors[0]: at least one of 'htmlContent', 'textContent' must be given and not empty",
    ],
}


def flow_files() -> list[Path]:
    return sorted(FLOWS.glob("*.yaml"))


def test_every_flow_names_its_source() -> None:
    assert len(flow_files()) == 63
    for path in flow_files():
        assert path.read_text().startswith("# source: "), path.name


@pytest.mark.parametrize("path", flow_files(), ids=lambda p: p.stem)
def test_a_flow_loads_or_is_refused_for_what_runwatch_lacks(path: Path) -> None:
    errors = sorted(f"{issue.path}: {issue.message}" for issue in runwatch.validate(path).errors)
    assert errors == REFUSED.get(path.name, [])


def _notifier_urls() -> set[str]:
    """The notifier types that take a `url` (their canonical names)."""
    return {t.name for t in plugins.plugin_types("task")
            if any(p.name == "url" for p in t.properties) and t.name != "io.kestra.plugin.core.http.Request"}


def _all_tasks(defs: list[Any]) -> list[Any]:
    """The task definitions, those inside flowable tasks included."""
    found = []
    for d in defs:
        found.append(d)
        for branch in d.branches.values():
            found += _all_tasks(branch)
    return found


def _notifiers(flow: runwatch.Flow) -> list[Any]:
    urls = _notifier_urls()
    return [t for t in _all_tasks(flow.tasks) + _all_tasks(flow.errors) if t.type in urls]


def _self_alerting() -> list[Path]:
    """The flows that load, alert from their own run (no Flow trigger) and notify over HTTP only."""
    chosen = []
    for path in flow_files():
        if runwatch.validate(path).errors:
            continue
        flow = runwatch.Flow.from_file(path)
        every = _all_tasks(flow.tasks) + _all_tasks(flow.errors)
        triggered = any(t.type == "io.kestra.plugin.core.trigger.Flow" for t in flow.triggers)
        other_channel = any(".email." in t.type or "telegram" in t.type for t in every)
        if _notifiers(flow) and not triggered and not other_channel and path.stem not in CANNOT_DELIVER:
            chosen.append(path)
    return chosen


# Self-alerting flows that cannot deliver here, and why: none of them is runwatch's doing.
CANNOT_DELIVER = {
    "blueprints-http-check": "alerts only when a check of a public website fails: needs the network",
    "plugin-notifications-PagerDutyAlert-unreliable_flow":
        "Kestra's own example payload is invalid JSON (a trailing comma): it fails in Kestra too",
    "plugin-notifications-TeamsIncomingWebhook-teamsincomingwebhook_example":
        "a task example that reads `vars.systemUrl`, a variable of a flow it does not show",
}


def test_the_flows_that_cannot_deliver_are_self_alerting_ones_that_load() -> None:
    for stem in CANNOT_DELIVER:
        path = FLOWS / f"{stem}.yaml"
        assert runwatch.validate(path).errors == []
        assert _notifiers(runwatch.Flow.from_file(path))


def _engine_sending_to(sink: WebhookRecorder, path: Path, notifiers: list[Any]) -> runwatch.Engine:
    """An engine with the flow of `path` loaded, its notifiers' URLs forced to the sink by
    server plugin defaults, and every secret the flow asks for (its URLs are overridden)."""
    config = {"kestra": {"url": "http://kestra.example:8080", "plugins": {"defaults": [
        {"type": name, "forced": True, "values": {"url": sink.url_for(name)}}
        for name in sorted({t.type for t in notifiers})]}}}
    secrets = {name: "redacted" for name in re.findall(r"secret\('([A-Za-z0-9_]+)'\)", path.read_text())}
    engine = runwatch.Engine(config=config, secrets=secrets)
    try:
        engine.add_flow(path.read_text(), str(path))
    except BaseException:
        engine.stop()
        raise
    return engine


@pytest.mark.parametrize("path", _self_alerting(), ids=lambda p: p.stem)
def test_a_self_alerting_flow_delivers_to_a_local_sink(path: Path) -> None:
    flow = runwatch.Flow.from_file(path)
    notifiers = _notifiers(flow)
    with WebhookRecorder() as sink:
        with _engine_sending_to(sink, path, notifiers) as engine:
            execution = engine.run(flow.namespace, flow.id, timeout=60)
        runs = [run for run in execution.task_runs if run.task_id in {t.id for t in notifiers}]
        assert runs, f"no notifier ran: {execution.state} {[(r.task_id, r.state) for r in execution.task_runs]}"
        assert [run.state for run in runs] == ["SUCCESS"] * len(runs), execution.logs()
        received = sink.wait_for(len(runs))
        assert sorted(r.path for r in received) == sorted("/" + t.type for t in notifiers if t.id in
                                                          {run.task_id for run in runs})


def _monitors() -> list[Path]:
    """The flows that load and alert from a Flow trigger through HTTP notifiers."""
    chosen = []
    for path in flow_files():
        if runwatch.validate(path).errors:
            continue
        flow = runwatch.Flow.from_file(path)
        every = _all_tasks(flow.tasks) + _all_tasks(flow.errors)
        other_channel = any(".email." in t.type or "telegram" in t.type for t in every)
        if _notifiers(flow) and any(t.type == "io.kestra.plugin.core.trigger.Flow" for t in flow.triggers) \
                and not other_channel:
            chosen.append(path)
    return chosen


# Monitors that no plain FAILED execution fires, and why: what each waits for.
NOT_ON_A_PLAIN_FAILURE = {
    "blueprints-flow-condition-hasretryattempt": "waits for a task run that was retried (HasRetryAttempt)",
    "blueprints-line-sla-duration-alert": "waits for SUCCESS, WARNING or CANCELLED executions labelled sla: miss",
    "docs-alerting-failure_alert_slack":
        "its `when` reads trigger.executionStatus, which is no variable (in Kestra either): it never fires",
    "docs-monitoring-bad_example": "Kestra's docs' example of conditions that contradict each other",
}


def test_the_monitors_no_plain_failure_fires_are_exactly_the_listed_ones() -> None:
    fired = set()
    for path in _monitors():
        with runwatch.Engine() as engine:
            engine.add_flow(path.read_text(), str(path))
            try:
                _source_that_fires(engine, path)
                fired.add(path.stem)
            except AssertionError:
                pass
    assert {p.stem for p in _monitors()} - fired == set(NOT_ON_A_PLAIN_FAILURE)


def _source_that_fires(engine: runwatch.Engine, path: Path) -> tuple[str, str, dict[str, str]]:
    """A (namespace, flow id, labels) whose FAILED execution fires the monitor: tried among
    the namespaces, flow ids and labels its own text names, by the engine's dry run."""
    text = path.read_text()
    names = set(re.findall(r"namespace:\s*[\"']?([a-z0-9][a-z0-9._-]*)", text)) | {"company.team"}
    namespaces = names | {n + ".etl" for n in names}
    flow_ids = set(re.findall(r"flowId:\s*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)", text)) | {"etl"}
    labels = [{}] + [dict([pair]) for pair in re.findall(r"^\s+(\w+):\s*(\w+)\s*$", text)]
    monitor = runwatch.Flow.from_file(path)
    for namespace in sorted(namespaces):
        for flow_id in sorted(flow_ids):
            for tags in labels:
                if any(m.flow_id == monitor.id and m.namespace == monitor.namespace
                       for m in engine.matching_triggers(namespace, flow_id, "FAILED", tags)):
                    return namespace, flow_id, tags
    raise AssertionError(f"no FAILED execution named in {path.name} fires it")


@pytest.mark.parametrize("path", [p for p in _monitors() if p.stem not in NOT_ON_A_PLAIN_FAILURE],
                         ids=lambda p: p.stem)
def test_a_monitoring_flow_alerts_on_a_failed_execution_it_watches(path: Path) -> None:
    monitor = runwatch.Flow.from_file(path)
    notifiers = _notifiers(monitor)
    with WebhookRecorder() as sink:
        with _engine_sending_to(sink, path, notifiers) as engine:
            namespace, flow_id, labels = _source_that_fires(engine, path)
            label_lines = "".join(f"\n  {k}: {v}" for k, v in labels.items())
            engine.add_flow(f"id: {flow_id}\nnamespace: {namespace}\nlabels:{label_lines or ' {}'}\ntasks:\n"
                            "  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n")
            source = engine.run(namespace, flow_id, timeout=60)
            assert source.state == "FAILED"
            assert engine.wait_idle(60)
            alerts = engine.executions(namespace=monitor.namespace, flow_id=monitor.id)
        assert [a.state for a in alerts] == ["SUCCESS"], [a.logs() for a in alerts]
        runs = [run for run in alerts[0].task_runs if run.task_id in {t.id for t in notifiers}]
        assert runs and [run.state for run in runs] == ["SUCCESS"] * len(runs)
        assert len(sink.wait_for(len(runs))) == len(runs)
