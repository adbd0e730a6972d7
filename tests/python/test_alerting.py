"""Namespace-level alerting end to end with the specification's own flows: the
monitoring flow fires once for each failing or warning execution it watches, the
documented bad example never fires (and the lint says so before deployment), its
OrCondition fix fires for both alternatives, and the per-flow errors branch posts a
Slack payload built from errorLogs() with the webhook URL kept secret."""

from __future__ import annotations

import base64

import pytest

import runwatch
from conftest import SPEC_EXAMPLES, flow_yaml
from runwatch.plugins import plugin_types
from runwatch.testing import WebhookRecorder

FLOW_TRIGGER = "io.kestra.plugin.core.trigger.Flow"
SPEC_FLOWS = ["failure-alert-to-slack.yaml", "bad-example.yaml", "or-condition-fixed.yaml", "on-failure-alert.yaml"]


def watched(namespace: str, flow_id: str, outcome: str) -> str:
    steps = {
        "SUCCESS": "type: io.kestra.plugin.core.log.Log\n    message: fine",
        "FAILED": "type: io.kestra.plugin.core.execution.Fail\n    errorMessage: upstream table missing",
        "WARNING": "type: io.kestra.plugin.core.execution.Fail\n    allowFailure: true",
    }[outcome]
    return f"id: {flow_id}\nnamespace: {namespace}\ntasks:\n  - id: step\n    {steps}\n"


@pytest.fixture
def hook(monkeypatch):
    with WebhookRecorder() as recorder:
        # As Kestra's open-source edition: SECRET_<NAME>, base64-encoded.
        encoded = base64.b64encode(recorder.url_for("/services/T0/B0/secret").encode()).decode()
        monkeypatch.setenv("SECRET_SLACK_WEBHOOK", encoded)
        yield recorder


@pytest.fixture
def monitored(engine, hook):
    for name in SPEC_FLOWS:
        engine.load_flows(SPEC_EXAMPLES / name)
    return engine


def alerts_after(engine, hook, namespace, flow_id, outcome):
    """Runs one watched execution and returns the monitoring flows it started."""
    engine.add_flow(watched(namespace, flow_id, outcome))
    before = len(engine.executions(namespace="company.monitoring"))
    source = engine.run(namespace, flow_id, timeout=20)
    assert source.state == outcome
    assert engine.wait_idle(timeout=20)
    started = engine.executions(namespace="company.monitoring")[before:]
    return source, sorted(e.flow_id for e in started), started


@pytest.mark.parametrize("namespace", ["company.product", "company.product.sales", "company.product.sales.eu"])
@pytest.mark.parametrize("outcome", ["FAILED", "WARNING"])
def test_failures_and_warnings_under_the_namespace_fire_the_monitoring_flows_once(monitored, hook, namespace, outcome):
    source, fired, started = alerts_after(monitored, hook, namespace, "etl", outcome)
    assert fired == ["failureAlertProductOrCleanup", "failureAlertToSlack"]
    assert all(e.state == "SUCCESS" for e in started)
    assert all(e.trigger["executionId"] == source.id for e in started)
    requests = hook.wait_for(2)
    assert len(requests) == 2
    titles = {r.json["text"].split("\n")[0] for r in requests}
    assert titles == {f"*[{namespace}] etl \u279b {outcome}*"}
    assert {r.json["channel"] for r in requests} == {"#general"}


@pytest.mark.parametrize("namespace, flow_id, outcome", [
    ("company.product", "etl", "SUCCESS"),
    ("company.other", "etl", "FAILED"),
    ("company", "etl", "FAILED"),
])
def test_successes_and_other_namespaces_fire_nothing(monitored, hook, namespace, flow_id, outcome):
    _, fired, _ = alerts_after(monitored, hook, namespace, flow_id, outcome)
    assert fired == []
    assert hook.requests == []


def test_the_or_condition_fix_fires_for_the_cleanup_flow_too(monitored, hook):
    source, fired, started = alerts_after(monitored, hook, "company.system", "cleanup", "FAILED")
    assert fired == ["failureAlertProductOrCleanup"]
    (request,) = hook.wait_for(1)
    assert request.json["text"].startswith(f"*[company.system] cleanup \u279b FAILED*")
    assert started[0].trigger["flowId"] == "cleanup"


def test_the_bad_example_never_fires_whatever_runs(monitored, hook):
    for namespace, flow_id in [("company.product", "etl"), ("company.system", "cleanup"), ("company.product", "cleanup")]:
        for outcome in ["FAILED", "WARNING"]:
            alerts_after(monitored, hook, namespace, f"{flow_id}", outcome)
    assert monitored.executions(namespace="company.monitoring", flow_id="bad_example") == []


def test_the_lint_flags_the_bad_example_before_deployment(monitored):
    never = [i for i in monitored.lint() if "never fires" in i.message]
    assert [(i.file.rsplit("/", 1)[-1], i.path, i.line) for i in never] == [("bad-example.yaml", "triggers[0]", 16)]
    assert "OrCondition" in never[0].message
    assert never[0].severity == "warning"


def test_the_dry_run_shows_the_routing_without_running(monitored):
    assert sorted(monitored.matching_triggers("company.product.sales", "etl", "FAILED")) == [
        runwatch.TriggerMatch("company.monitoring", "failureAlertProductOrCleanup", "listen", FLOW_TRIGGER),
        runwatch.TriggerMatch("company.monitoring", "failureAlertToSlack", "listen", FLOW_TRIGGER),
    ]
    assert monitored.matching_triggers("company.system", "cleanup", "WARNING") == [
        runwatch.TriggerMatch("company.monitoring", "failureAlertProductOrCleanup", "listen", FLOW_TRIGGER)]
    assert monitored.matching_triggers("company.product", "etl", "SUCCESS") == []
    assert monitored.executions() == []


def test_a_monitoring_flow_never_triggers_itself(engine, hook):
    engine.add_flow(flow_yaml("""
        id: self_watch
        namespace: company.monitoring
        tasks:
          - id: fail
            type: io.kestra.plugin.core.execution.Fail
        triggers:
          - id: listen
            type: io.kestra.plugin.core.trigger.Flow
            conditions:
              - type: io.kestra.plugin.core.condition.ExecutionNamespace
                namespace: company.monitoring
        """))
    engine.run("company.monitoring", "self_watch", timeout=20)
    assert engine.wait_idle(timeout=20)
    assert len(engine.executions(flow_id="self_watch")) == 1


def test_trigger_inputs_render_with_the_source_execution(engine):
    # Kestra's own trigger-flow-listener: the listener's input comes from the parent's outputs.
    engine.add_flow(flow_yaml("""
        id: trigger-flow
        namespace: io.kestra.tests.trigger
        tasks:
          - id: only
            type: io.kestra.plugin.core.debug.Return
            format: parent value
        """))
    engine.load_flows(SPEC_EXAMPLES.parents[1] / "corpus" / "kestra-flows" / "valids" / "trigger-flow-listener.yaml")
    parent = engine.run("io.kestra.tests.trigger", "trigger-flow", timeout=20)
    assert engine.wait_idle(timeout=20)
    (child,) = engine.executions(flow_id="trigger-flow-listener")
    assert child.state == "SUCCESS"
    assert child.inputs == {"from-parent": "parent value"}
    assert child.outputs["only-listener"] == {"value": "childs: parent value"}
    assert child.trigger["executionId"] == parent.id
    assert child.trigger["state"] == "SUCCESS"


def test_the_per_flow_errors_branch_posts_the_failure_to_slack(monitored, hook):
    execution = monitored.run("company.team", "onFailureAlert", timeout=20)
    assert execution.state == "FAILED"
    assert execution.task_run("slack").state == "SUCCESS"
    (request,) = hook.wait_for(1)
    assert request.path == "/services/T0/B0/secret"
    text = request.json["text"]
    assert text.startswith(f"Failure alert for flow `company.team.onFailureAlert` with ID `{execution.id}`.")
    assert '"taskId":"fail"' in text and '"message":"Task failure"' in text
    # The webhook URL is a secret: it appears in no log line and no output.
    everything = " ".join(e.message for e in execution.logs()) + str(execution.outputs)
    assert hook.url_for("/services/T0/B0/secret") not in everything


@pytest.mark.parametrize("type_name", [
    "io.kestra.plugin.slack.notifications.SlackExecution",
    "io.kestra.plugin.slack.SlackExecution",
    "io.kestra.plugin.notifications.slack.SlackExecution",
])
def test_the_spec_example_under_each_generation_of_the_slack_name_sends_the_same_alert(engine, hook, type_name):
    text = (SPEC_EXAMPLES / "failure-alert-to-slack.yaml").read_text()
    engine.add_flow(text.replace("io.kestra.plugin.notifications.slack.SlackExecution", type_name))
    source, fired, started = alerts_after(engine, hook, "company.product", "etl", "FAILED")
    assert fired == ["failureAlertToSlack"]
    assert started[0].state == "SUCCESS"
    (request,) = hook.wait_for(1)
    assert request.path == "/services/T0/B0/secret"
    assert request.json["text"] == (f"*[company.product] etl \u279b FAILED*\n"
                                    "> Failed on task `step` after 00:00:00.000")
    assert request.json["channel"] == "#general"
    (listed,) = [t for t in plugin_types("task") if type_name == t.name or type_name in t.aliases]
    assert listed.name == "io.kestra.plugin.slack.notifications.SlackExecution"
