"""Notifications posted for real to a local WebhookRecorder: an errors branch, a
monitoring flow's SlackExecution, retries on the manual clock, https, and notifiers
written in Python."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import pytest

import runwatch
from conftest import START, flow_yaml
from runwatch.testing import WebhookRecorder

ARROW = "\u279b"

FAILING = """
id: etl
namespace: company.team
tasks:
  - id: extract
    type: io.kestra.plugin.core.log.Log
    message: extracting
  - id: load
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: disk full
"""


@pytest.fixture
def hook():
    with WebhookRecorder() as recorder:
        yield recorder


def finish(engine: runwatch.Engine, clock: runwatch.ManualClock, execution_id: str, step: float = 1.0) -> runwatch.Execution:
    """Moves the manual clock until the execution ends (backoffs wait on it)."""
    for _ in range(600):
        assert engine.wait_idle(timeout=20)
        execution = engine.execution(execution_id)
        if execution.is_terminal:
            return execution
        clock.advance(step)
    raise AssertionError(f"execution {execution_id} did not end")


def test_slack_incoming_webhook_in_an_errors_branch(engine, add, hook):
    add(f"""
        id: on_failure
        namespace: company.team
        tasks:
          - id: fail
            type: io.kestra.plugin.core.execution.Fail
        errors:
          - id: slack
            type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
            url: "{hook.url_for('/services/T/B/x')}"
            payload: |
              {{"text": "Failure alert for flow `{{{{ flow.namespace }}}}.{{{{ flow.id }}}}` with ID `{{{{ execution.id }}}}`"}}
        """)
    execution = engine.run("company.team", "on_failure", timeout=20)
    assert execution.state == "FAILED"
    (request,) = hook.wait_for(1)
    assert request.method == "POST"
    assert request.path == "/services/T/B/x"
    assert request.header("Content-Type") == "application/json"
    assert request.json == {"text": f"Failure alert for flow `company.team.on_failure` with ID `{execution.id}`"}
    slack = execution.task_run("slack")
    assert request.header("Idempotency-Key") == f"{execution.id}:{slack.id}"
    assert slack.state == "SUCCESS"
    assert slack.outputs["code"] == 200
    assert slack.outputs["attempts"] == 1
    assert slack.outputs["idempotencyKey"] == f"{execution.id}:{slack.id}"
    assert isinstance(slack.outputs["latencyMs"], int)


def test_message_text_without_a_payload(engine, add, hook):
    add(f"""
        id: hello
        namespace: company.team
        tasks:
          - id: slack
            type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
            url: "{hook.url_for('/hook')}"
            messageText: "Hello from {{{{ flow.id }}}}"
        """)
    assert engine.run("company.team", "hello", timeout=20).state == "SUCCESS"
    assert hook.wait_for(1)[0].json == {"text": "Hello from hello"}


def test_slack_execution_in_a_monitoring_flow(engine, add, hook):
    add(FAILING)
    add(f"""
        id: alert
        namespace: company.monitoring
        inputs:
          - id: failed
            type: STRING
        tasks:
          - id: send
            type: io.kestra.plugin.notifications.slack.SlackExecution
            url: "{hook.url_for('/slack')}"
            channel: "#general"
            executionId: "{{{{ inputs.failed }}}}"
            customMessage: "The nightly ETL failed"
            customFields:
              team: data
        """)
    failed = engine.run("company.team", "etl", timeout=20)
    assert failed.state == "FAILED"
    alert = engine.run("company.monitoring", "alert", inputs={"failed": failed.id}, timeout=20)
    assert alert.state == "SUCCESS"
    (request,) = hook.wait_for(1)
    text = f"*[company.team] etl {ARROW} FAILED*\n> Failed on task `load` after 00:00:00.000"
    field = lambda title, value: {"title": title, "value": value, "short": True}  # noqa: E731
    assert request.json == {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "The nightly ETL failed"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        ],
        "attachments": [
            {
                "color": "danger",
                "fields": [
                    field("Namespace", "company.team"),
                    field("Flow ID", "etl"),
                    field("Execution ID", failed.id),
                    field("Execution Status", "FAILED"),
                    field("team", "data"),
                    field("Final task ID", "load"),
                ],
                "ts": int(START.timestamp()),
            }
        ],
        "channel": "#general",
    }


def test_slack_execution_of_an_unknown_execution_fails(engine, add, hook):
    add(f"""
        id: alert
        namespace: company.monitoring
        tasks:
          - id: send
            type: io.kestra.plugin.notifications.slack.SlackExecution
            url: "{hook.url_for('/slack')}"
            executionId: nope
        """)
    execution = engine.run("company.monitoring", "alert", timeout=20)
    assert execution.state == "FAILED"
    assert [e.message for e in execution.logs(level="ERROR")] == ["Unable to find execution 'nope'"]
    assert hook.requests == []


def slack_flow(hook: WebhookRecorder, flow_id: str = "retrying", options: str = "") -> str:
    return f"""
        id: {flow_id}
        namespace: company.team
        tasks:
          - id: slack
            type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
            url: "{hook.url_for('/hook')}"
            payload: '{{"text": "hi"}}'
            {options}
        """


def test_retries_wait_on_the_engine_clock(engine, add, clock, hook):
    hook.fail_next(2, status=503)
    add(slack_flow(hook))
    execution = engine.run("company.team", "retrying", wait=False)
    assert engine.wait_idle(timeout=20)
    assert len(hook.requests) == 1  # the backoff waits for the clock
    clock.advance(1)
    assert engine.wait_idle(timeout=20)
    assert len(hook.requests) == 2
    clock.advance(2)
    done = finish(engine, clock, execution.id)
    assert done.state == "SUCCESS"
    assert done.task_run("slack").outputs["attempts"] == 3
    keys = {r.header("Idempotency-Key") for r in hook.wait_for(3)}
    assert keys == {f"{execution.id}:{done.task_run('slack').id}"}
    assert [e.message for e in done.logs(level="WARN")] == [
        "Slack webhook: answered 503 (attempt 1 of 3), trying again in PT1S",
        "Slack webhook: answered 503 (attempt 2 of 3), trying again in PT2S",
    ]


def test_retry_after_is_honoured(engine, add, clock, hook):
    hook.fail_next(1, status=429, retry_after=30)
    add(slack_flow(hook))
    execution = engine.run("company.team", "retrying", wait=False)
    assert engine.wait_idle(timeout=20)
    clock.advance(29)
    assert engine.wait_idle(timeout=20)
    assert len(hook.requests) == 1
    clock.advance(1)
    assert finish(engine, clock, execution.id).state == "SUCCESS"
    assert len(hook.requests) == 2


RATE_LIMIT = {"kestra": {"alerts": {"rate-limit": {"notifications": 2, "period": "PT1M"}}}}


def test_a_rate_limited_receiver_gets_its_notifications_spaced_on_the_engine_clock(clock, hook):
    with runwatch.Engine(clock=clock, worker_threads=4, config=RATE_LIMIT) as engine:
        engine.add_flow(flow_yaml(slack_flow(hook)))
        engine.add_flow(flow_yaml(slack_flow(hook, "elsewhere").replace("/hook", "/other")))
        started = [engine.run("company.team", "retrying", wait=False) for _ in range(5)]
        other = engine.run("company.team", "elsewhere", wait=False)
        assert engine.wait_idle(timeout=20)
        # two to /hook at once, the others wait for their slots; /other is another receiver
        assert sorted(r.path for r in hook.requests) == ["/hook", "/hook", "/other"]
        assert engine.execution(other.id).state == "SUCCESS"
        clock.advance(59)
        assert engine.wait_idle(timeout=20)
        assert len(hook.requests) == 3
        clock.advance(1)
        assert engine.wait_idle(timeout=20)
        assert len(hook.requests) == 5
        clock.advance(60)
        assert engine.wait_idle(timeout=20)
        assert len(hook.requests) == 6
        done = [engine.execution(e.id) for e in started]
        assert [e.state for e in done] == ["SUCCESS"] * 5
        waited = [line.message for e in done for line in e.logs(level="INFO") if "rate-limit" in line.message]
        assert sorted(waited) == sorted(
            ["Slack webhook takes 2 per PT1M (kestra.alerts.rate-limit): waiting PT1M"] * 2
            + ["Slack webhook takes 2 per PT1M (kestra.alerts.rate-limit): waiting PT2M"]
        )
        assert all(e.task_run("slack").outputs["attempts"] == 1 for e in done)  # waiting spends no attempt
        waits = [s.value for s in engine.metrics.snapshot() if s.name == "kestra_notification_ratelimited_count_total"]
        assert waits == [3.0]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("notifications", "-1", "a number of notifications from 0 (no limit) to 10000"),
        ("notifications", "99999999999999999999999", "a number of notifications from 0 (no limit) to 10000"),
        ("notifications", "ten", "a number of notifications from 0 (no limit) to 10000"),
        ("period", "PT0S", "a duration longer than zero"),
    ],
)
def test_a_bad_rate_limit_is_refused_naming_the_key(key, value, message):
    with pytest.raises(runwatch.ConfigError) as refused:
        runwatch.load_config({"kestra": {"alerts": {"rate-limit": {key: value}}}})
    assert str(refused.value) == (
        f"Invalid configuration:\n  <config>: error: kestra.alerts.rate-limit.{key}: must be {message}, got '{value}'"
    )


def test_the_final_failure_fails_the_task_with_the_status_and_the_body(engine, add, clock, hook):
    hook.fail_next(3, status=500, body=b'{"error": "down"}')
    add(slack_flow(hook))
    execution = engine.run("company.team", "retrying", wait=False)
    done = finish(engine, clock, execution.id)
    assert done.state == "FAILED"
    assert [e.message for e in done.logs(level="ERROR")] == [
        'Slack webhook answered 500 after 3 attempts: {"error": "down"}'
    ]


def test_a_client_error_is_not_retried(engine, add, hook):
    hook.fail_next(1, status=404, body=b"no_team")
    add(slack_flow(hook))
    execution = engine.run("company.team", "retrying", timeout=20)
    assert execution.state == "FAILED"
    assert [e.message for e in execution.logs(level="ERROR")] == ["Slack webhook answered 404 after 1 attempt: no_team"]


def test_https_with_the_recorders_certificate(engine, add):
    with WebhookRecorder(tls=True) as hook:
        add(slack_flow(hook, "refused"))
        refused = engine.run("company.team", "refused", timeout=20)
        assert refused.state == "FAILED"
        (message,) = [e.message for e in refused.logs(level="ERROR")]
        assert message.startswith("Slack webhook could not be reached after 1 attempt: the TLS certificate of 127.0.0.1:")
        add(slack_flow(hook, "trusted", options=f'options: {{ssl: {{caFile: "{hook.ca_file}"}}}}'))
        assert engine.run("company.team", "trusted", timeout=20).state == "SUCCESS"
        assert [r.json for r in hook.wait_for(1)] == [{"text": "hi"}]


# --- notifiers written in Python ---------------------------------------------------------


def test_a_notifier_receives_the_summary_of_its_own_failure(engine, add, type_name):
    received: list[tuple[runwatch.NotificationMessage, str, str]] = []

    class Ticket(runwatch.Notifier):
        """Opens a ticket."""

        type = type_name

        def send(self, ctx, message, project: str, priority: str = "P3") -> Optional[dict[str, Any]]:
            received.append((message, project, priority))
            ctx.log("INFO", f"ticket for {message.headline}")
            return {"ticket": f"{project}-1"}

    add(f"""
        id: on_failure
        namespace: company.team
        tasks:
          - id: fail
            type: io.kestra.plugin.core.execution.Fail
        errors:
          - id: ticket
            type: {type_name}
            project: OPS
        """)
    execution = engine.run("company.team", "on_failure", timeout=20)
    assert execution.state == "FAILED"
    ((message, project, priority),) = received
    assert (project, priority) == ("OPS", "P3")
    assert message.namespace == "company.team"
    assert message.flow_id == "on_failure"
    assert message.execution_id == execution.id
    assert message.state == "FAILED"
    assert message.failed_task == "fail"
    assert message.last_task == "fail"
    assert message.start_date == START
    assert message.duration == dt.timedelta(0)
    assert message.link is None
    assert message.custom_message is None
    assert message.custom_fields == {}
    assert message.headline == f"[company.team] on_failure {ARROW} FAILED"
    assert message.outcome == "Failed on task `fail` after 00:00:00.000"
    assert message.text == f"{message.headline}\n{message.outcome}"
    ticket = execution.task_run("ticket")
    assert message.idempotency_key == f"{execution.id}:{ticket.id}"
    assert ticket.outputs == {"ticket": "OPS-1"}
    assert [e.message for e in execution.logs(task_id="ticket")] == [f"ticket for {message.headline}"]
    flow = engine.flow("company.team", "on_failure")
    assert flow.errors[0].properties["executionId"] == "{{ execution.id }}"  # the schema's default


def test_a_notifier_in_a_monitoring_flow_with_custom_parts(engine, add, type_name):
    received: list[runwatch.NotificationMessage] = []

    class Pager(runwatch.Notifier):
        type = type_name

        def send(self, ctx, message):
            received.append(message)

    add(FAILING)
    add(f"""
        id: alert
        namespace: company.monitoring
        inputs:
          - id: failed
            type: STRING
        tasks:
          - id: page
            type: {type_name}
            executionId: "{{{{ inputs.failed }}}}"
            customMessage: "wake up"
            customFields:
              team: data
              retries: 2
        """)
    failed = engine.run("company.team", "etl", timeout=20)
    assert engine.run("company.monitoring", "alert", inputs={"failed": failed.id}, timeout=20).state == "SUCCESS"
    (message,) = received
    assert (message.execution_id, message.flow_id, message.state) == (failed.id, "etl", "FAILED")
    assert (message.failed_task, message.last_task) == ("load", "load")
    assert message.custom_message == "wake up"
    assert message.custom_fields == {"team": "data", "retries": 2}


def test_a_notifier_that_raises_fails_its_task(engine, add, type_name):
    class Broken(runwatch.Notifier):
        type = type_name

        def send(self, ctx, message):
            raise ConnectionError("ticket system down")

    add(f"""
        id: broken
        namespace: company.team
        tasks:
          - id: notify
            type: {type_name}
        """)
    execution = engine.run("company.team", "broken", timeout=20)
    assert execution.state == "FAILED"
    assert [e.message for e in execution.logs(level="ERROR")] == ["ConnectionError: ticket system down"]


def test_a_notifiers_required_properties_are_checked_when_flows_load(engine, add, type_name):
    class Ticket(runwatch.Notifier):
        type = type_name

        def send(self, ctx, message, project: str):
            pass

    with pytest.raises(runwatch.FlowValidationError, match="project"):
        add(f"""
            id: missing
            namespace: company.team
            tasks:
              - id: notify
                type: {type_name}
            """)


def test_notifier_definitions_are_checked():
    class Abstract(runwatch.Notifier):  # no type: a base for others, not registered
        def send(self, ctx, message):
            pass

    with pytest.raises(ValueError, match="must be a task type name"):
        class BadName(runwatch.Notifier):
            type = " spaced "

            def send(self, ctx, message):
                pass

    with pytest.raises(TypeError, match="must implement send"):
        class NoSend(runwatch.Notifier):
            type = "io.test.notify.NoSend"

    with pytest.raises(TypeError, match="'customFields' is already defined"):
        class Clash(runwatch.Notifier):
            type = "io.test.notify.Clash"

            def send(self, ctx, message, customFields: dict):
                pass

    with pytest.raises(TypeError, match="declare each property"):
        class Star(runwatch.Notifier):
            type = "io.test.notify.Star"

            def send(self, ctx, message, **extra):
                pass


def test_public_names():
    assert runwatch.testing.WebhookRecorder is WebhookRecorder
    assert "Notifier" in runwatch.__all__ and "NotificationMessage" in runwatch.__all__


def test_a_notifiers_extra_properties_take_their_types_from_annotations(engine, add, type_name):
    class Typed(runwatch.Notifier):
        type = type_name

        def send(self, ctx, message, count: int, labels: dict, tags: Optional[list] = None):
            pass

    with pytest.raises(runwatch.FlowValidationError, match="'count' must be an integer"):
        add(f"""
            id: typed
            namespace: company.team
            tasks:
              - id: notify
                type: {type_name}
                count: many
                labels: {{}}
            """)


@pytest.mark.parametrize("written, suggested", [
    ("io.kestra.plugin.notifications.slack.SlackExecutoin", "io.kestra.plugin.notifications.slack.SlackExecution"),
    ("io.kestra.plugin.slack.notifications.SlackExecutoin", "io.kestra.plugin.slack.notifications.SlackExecution"),
    ("io.kestra.plugin.slack.notification.SlackExecution", "io.kestra.plugin.slack.notifications.SlackExecution"),
])
def test_a_misspelt_notifier_gets_a_suggestion_in_the_generation_of_names_used(engine, add, written, suggested):
    with pytest.raises(runwatch.FlowValidationError) as refused:
        add(f"""
            id: alert
            namespace: company.team
            tasks:
              - id: send
                type: {written}
                url: http://127.0.0.1:9/hook
            """)
    (issue,) = refused.value.issues
    assert issue.message == f"unknown task type '{written}'; did you mean {suggested}?"
    assert (issue.path, issue.line, issue.column) == ("tasks[0].type", 5, 11)
