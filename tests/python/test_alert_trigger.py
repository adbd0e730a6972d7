"""The Alert trigger from Python on the manual clock: the README's flow posts one Slack
message for a storm of failures of three flows, then one when they all recovered; silences
from Python and from the `runwatch silence` commands against a running server."""

from __future__ import annotations

import datetime as dt
import io
import re
import signal
import time

import pytest

import runwatch
from runwatch import cli
from runwatch.testing import WebhookRecorder
from test_crash import request, start

FLAKY = """
id: {flow}
namespace: company.team.etl
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{{{ inputs.fail }}}}"
"""

ALERTS = """
id: team_alerts
namespace: company.monitoring
tasks:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: "URL"
    payload: |
      {"text": "{{ trigger.status }} ({{ trigger.reason }}): {{ trigger.alerts | jq('[.[] | .labels.flowId] | join(", ")') | first }}"}
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    consecutive: 3
    groupBy: [namespace, flowId]
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
        comparison: PREFIX
"""


@pytest.fixture
def hook():
    with WebhookRecorder() as recorder:
        yield recorder


def run(engine: runwatch.Engine, flow: str, fail: bool) -> None:
    engine.run("company.team.etl", flow, {"fail": fail}, wait=False)
    assert engine.wait_idle(timeout=20)


def test_a_storm_of_three_failing_flows_is_one_message_and_their_recovery_another(engine, add, clock, hook):
    for flow in ("extract", "load", "report"):
        add(FLAKY.format(flow=flow))
    add(ALERTS.replace("URL", hook.url_for("/slack")))
    for round in range(3):
        for flow in ("extract", "load", "report"):
            # extract: a success between failures, so its streak starts again and it never fires
            run(engine, flow, not (flow == "extract" and round == 1))
    clock.advance(30)
    assert engine.wait_idle(timeout=20)
    (fired,) = hook.wait_for(1)
    assert fired.json == {"text": "firing (first): load, report"}

    for flow in ("load", "report"):
        run(engine, flow, False)
    clock.advance(300)
    assert engine.wait_idle(timeout=20)
    assert [r.json["text"] for r in hook.wait_for(2)] == ["firing (first): load, report", "resolved (resolved): load, report"]

    # The history: the trigger's decisions in order, and each notification delivered once per group.
    history = engine.alert_history()
    assert all(isinstance(e, runwatch.AlertEvent) for e in history)
    assert [(e.status, e.flow_id, e.reason, e.date - history[0].date) for e in history if e.status != "delivered"] == [
        ("fired", "load", "first", dt.timedelta(0)), ("fired", "report", "first", dt.timedelta(0)),
        ("resolved", "load", "resolved", dt.timedelta(seconds=300)),
        ("resolved", "report", "resolved", dt.timedelta(seconds=300))]
    delivered = [e for e in history if e.status == "delivered"]
    assert sorted((e.flow_id, e.alert, e.task_id, e.labels["flowId"]) for e in delivered) == [
        ("load", "company.monitoring.team_alerts", "slack", "load")] * 2 + [
        ("report", "company.monitoring.team_alerts", "slack", "report")] * 2
    assert {e.idempotency_key for e in delivered} == {
        f"{e.notification_execution_id}:{engine.execution(e.notification_execution_id).task_runs[0].id}"
        for e in delivered}
    assert engine.alert_history(status="failed") == []
    frame = engine.alert_history(status="fired", namespace="company.team.etl").to_pandas()
    assert list(frame.columns) == ["date", "status", "alert", "trigger_id", "namespace", "flow_id", "execution_id",
                                   "group_key", "notification_execution_id", "task_id", "reason", "idempotency_key"]
    assert frame["flow_id"].tolist() == ["load", "report"]
    assert engine.alert_history(start_date=history[0].date + dt.timedelta(seconds=1), status="fired") == []
    assert [(a.labels["flowId"], a.status, a.streak) for a in engine.alerts()] == [("extract", "pending", 1)]


def test_the_dry_run_names_the_alert_trigger(engine, add, hook):
    add(FLAKY.format(flow="extract"))
    add(ALERTS.replace("URL", hook.url_for("/slack")))
    (match,) = engine.matching_triggers("company.team.etl", "extract", "FAILED")
    assert (match.namespace, match.flow_id, match.trigger_id) == ("company.monitoring", "team_alerts", "failures")
    assert engine.matching_triggers("company.team.etl", "extract", "WARNING") == []


def test_a_silence_mutes_a_flow_until_it_is_expired(engine, add, clock, hook):
    for flow in ("extract", "load"):
        add(FLAKY.format(flow=flow))
    add(ALERTS.replace("URL", hook.url_for("/slack")).replace("consecutive: 3", "consecutive: 1"))
    silence_id = engine.silence(["flowId=load", "alert=~company\\.monitoring\\..*"], ends_at=dt.timedelta(hours=2),
                                comment="load is being fixed", created_by="ops")
    (silence,) = engine.silences()
    assert silence.id == silence_id
    assert (silence.state, silence.created_by, silence.comment) == ("active", "ops", "load is being fixed")
    assert silence.matchers == [{"name": "flowId", "value": "load", "isRegex": False, "isEqual": True},
                                {"name": "alert", "value": "company\\.monitoring\\..*", "isRegex": True,
                                 "isEqual": True}]
    assert silence.ends_at - silence.starts_at == dt.timedelta(hours=2)

    run(engine, "load", True)
    run(engine, "extract", True)
    clock.advance(30)
    assert engine.wait_idle(timeout=20)
    (fired,) = hook.wait_for(1)
    assert fired.json == {"text": "firing (first): extract"}
    alerts = engine.alerts()
    assert [a.labels["flowId"] for a in alerts] == ["extract", "load"]
    assert [a.status for a in alerts] == ["firing", "firing"]
    frame = alerts.to_pandas()
    assert frame[["flowId", "status", "streak"]].values.tolist() == [["extract", "firing", 1], ["load", "firing", 1]]
    (suppressed,) = engine.alert_history(status="suppressed")
    assert (suppressed.flow_id, suppressed.reason) == ("load", silence_id)

    assert engine.expire_silence(silence_id)
    assert engine.silences()[0].state == "expired"
    assert not engine.expire_silence("no-such-silence")
    clock.advance(300)
    assert engine.wait_idle(timeout=20)
    assert [r.json["text"] for r in hook.wait_for(2)][1] == "firing (new): extract, load"


@pytest.mark.parametrize("matchers, ends_in, message", [
    ([], 3600, "matchers: at least one matcher required"),
    (["flowId=~.*"], 3600, "matchers: at least one matcher must not match the empty string"),
    (["owner=me"], 3600, "matchers[0].name: 'owner' is not a matcher name"),
    (["flowId=~(a"], 3600, "matchers[0].value: invalid regular expression"),
    (["flowId=a"], -60, "endsAt: end time can't be in the past"),
    (["flowId a"], 3600, "not a matcher: 'flowId a'"),
])
def test_a_bad_silence_is_refused_saying_why(engine, matchers, ends_in, message):
    with pytest.raises(runwatch.InputError, match=re.escape(message)):
        engine.silence(matchers, ends_at=dt.timedelta(seconds=ends_in))
    assert engine.silences() == []


def test_the_silence_commands_talk_to_a_running_server(tmp_path):
    (tmp_path / "application.yml").write_text(
        f"kestra:\n  repository:\n    type: sqlite\n    path: {tmp_path / 'runwatch.db'}\n")
    process, port = start(tmp_path)
    server = f"http://127.0.0.1:{port}"
    try:
        out = io.StringIO()
        assert cli.main(["silence", "--server", server, "add", "flowId=nightly", "namespace=~company\\..*",
                         "--duration", "2h", "--comment", "fixing it", "--author", "ops"], out=out) == 0
        silence_id = out.getvalue().strip()
        listed = io.StringIO()
        assert cli.main(["silence", "--server", server, "list"], out=listed) == 0
        line = listed.getvalue().strip()
        assert line.startswith(f"{silence_id}  active ")
        assert line.endswith("flowId=nightly namespace=~company\\..*  ops: fixing it")
        expired = io.StringIO()
        assert cli.main(["silence", "--server", server, "expire", silence_id], out=expired) == 0
        assert expired.getvalue().startswith(f"{silence_id}  expired ")
        assert cli.main(["silence", "--server", server, "add", "flowId=~(", "--duration", "1h"]) == 2
        assert cli.main(["silence", "--server", server, "add", "flowId=a", "--duration", "soon"]) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


NIGHTLY = """
id: nightly
namespace: company.team
tasks:
  - id: load
    type: io.kestra.plugin.core.execution.Fail
errors:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: "URL"
    messageText: nightly failed
"""

STREAKS = """
id: streaks
namespace: company.monitoring
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.status }}"
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    groupWait: PT1H
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
"""


def test_the_alerts_commands_list_a_running_servers_alerts_and_history(tmp_path, capsys):
    (tmp_path / "application.yml").write_text(
        f"kestra:\n  repository:\n    type: sqlite\n    path: {tmp_path / 'runwatch.db'}\n")
    process, port = start(tmp_path)
    server = f"http://127.0.0.1:{port}"
    try:
        with WebhookRecorder() as hook:
            request(port, "POST", "/api/v1/flows", yaml=NIGHTLY.replace("URL", hook.url_for("/slack")))
            request(port, "POST", "/api/v1/flows", yaml=STREAKS)
            failed = request(port, "POST", "/api/v1/executions/company.team/nightly?wait=true")
            assert failed["state"]["current"] == "FAILED"
            hook.wait_for(1)
        out = io.StringIO()
        assert cli.main(["alerts", "--server", server, "list"], out=out) == 0
        (line,) = out.getvalue().splitlines()
        assert re.fullmatch(
            rf"firing   company\.monitoring\.streaks/failures  company\.team\.nightly  streak 1  since \S+Z  "
            rf"last {failed['id']} FAILED", line), line
        out = io.StringIO()
        assert cli.main(["alerts", "--server", server, "list", "--status", "pending"], out=out) == 0
        assert out.getvalue() == ""

        # The delivery is recorded once the execution is: poll the history briefly.
        for _ in range(100):
            out = io.StringIO()
            assert cli.main(["alerts", "--server", server, "history", "--since", "1h"], out=out) == 0
            if out.getvalue():
                break
            time.sleep(0.05)
        (line,) = out.getvalue().splitlines()
        assert re.fullmatch(rf"\S+Z  delivered  company\.team\.nightly  about company\.team\.nightly {failed['id']}"
                            rf"  task slack", line), line
        out = io.StringIO()
        assert cli.main(["alerts", "--server", server, "history", "--status", "failed"], out=out) == 0
        assert out.getvalue() == ""
        assert cli.main(["alerts", "--server", server, "history", "--status", "burning"]) == 2
        assert "status must be one of fired, grouped" in capsys.readouterr().err
        assert cli.main(["alerts", "--server", server, "history", "--limit", "0"]) == 2
        assert cli.main(["alerts", "--server", "http://127.0.0.1:1", "list"]) == 2
        assert "Connection refused" in capsys.readouterr().err
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


SLOW = """
id: slow
namespace: company.team.etl
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT3H
"""

WATCH = """
id: watch
namespace: company.monitoring
tasks:
  - id: slack
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: "URL"
    payload: |
      {"text": "{{ trigger.status }}: {{ trigger.alerts | jq('[.[] | .labels.flowId + " at " + (.task // "-")] | join(", ")') | first }}"}
triggers:
  - id: hanging
    type: io.runwatch.plugin.trigger.Stuck
    after: PT2H
    groupWait: PT0S
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
        comparison: PREFIX
  - id: missing
    type: io.runwatch.plugin.trigger.Absence
    maxInterval: PT1H
    groupWait: PT0S
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team.etl
        flowId: extract
"""


def test_a_hanging_run_and_a_missing_one_each_post_once(engine, add, clock, hook):
    add(SLOW)
    add(FLAKY.format(flow="extract"))
    add(WATCH.replace("URL", hook.url_for("/slack")))
    engine.run("company.team.etl", "slow", wait=False)
    assert engine.wait_idle(timeout=20)
    clock.advance(3600)  # extract never ran within an hour of the trigger's loading
    assert engine.wait_idle(timeout=20)
    (missing,) = hook.wait_for(1)
    assert missing.json == {"text": "firing: extract at -"}
    (alert,) = [a for a in engine.alerts() if a.trigger_id == "missing"]
    assert isinstance(alert, runwatch.Alert)
    assert alert.status == "firing"
    assert alert.last_execution_id == ""
    assert alert.deadline == alert.starts_at
    clock.advance(3600)
    assert engine.wait_idle(timeout=20)
    _, hanging = hook.wait_for(2)
    assert hanging.json == {"text": "firing: slow at nap"}


NOTIFIERS = """
id: team_alerts
namespace: company.monitoring
tasks:
  - id: slack
    type: io.kestra.plugin.slack.SlackExecution
    url: "URL/slack"
  - id: teams
    type: io.kestra.plugin.microsoft365.teams.TeamsExecution
    url: "URL/teams"
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
        comparison: PREFIX
"""


def test_execution_notifiers_started_by_an_alert_trigger_send_one_message_listing_the_groups(clock, hook):
    with runwatch.Engine(clock=clock, config={"kestra": {"url": "https://kestra.example/"}}) as engine:
        for flow in ("extract", "load"):
            engine.add_flow(FLAKY.format(flow=flow))
        engine.add_flow(NOTIFIERS.replace("URL", hook.url_for("")))
        for flow in ("extract", "load", "load"):
            run(engine, flow, True)
        clock.advance(30)
        assert engine.wait_idle(timeout=20)
        slack, teams = sorted(hook.wait_for(2), key=lambda request: request.path)
        links = {flow: f"https://kestra.example/ui/main/executions/company.team.etl/{flow}/" for flow in ("extract", "load")}
        text = slack.json["text"]
        assert text.startswith("*[company.monitoring] team_alerts \u279b FIRING*\n> 2 firing (first): "
                               "company.team.etl.extract FAILED, company.team.etl.load FAILED")
        fields = {f["title"]: f["value"] for f in slack.json["attachments"][0]["fields"]}
        assert fields["company.team.etl.extract"].startswith("FAILED <" + links["extract"])
        assert fields["company.team.etl.load"].startswith("FAILED <" + links["load"])
        assert slack.json["attachments"][0]["color"] == "danger"
        assert teams.json["summary"] == ("[company.monitoring] team_alerts \u279b FIRING: 2 firing (first): "
                                         "company.team.etl.extract FAILED, company.team.etl.load FAILED")
        assert engine.executions(namespace="company.monitoring")[0].state == "SUCCESS"


def test_a_python_notifier_started_by_an_alert_trigger_receives_its_alerts(engine, add, type_name):
    received: list[runwatch.NotificationMessage] = []

    class Pager(runwatch.Notifier):
        type = type_name

        def send(self, ctx, message):
            received.append(message)

    add(FLAKY.format(flow="extract"))
    add(f"""
id: page
namespace: company.monitoring
tasks:
  - id: page
    type: {type_name}
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    groupWait: PT0S
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
        comparison: PREFIX
""")
    run(engine, "extract", True)
    (message,) = received
    assert (message.alert_status, message.alert_reason) == ("firing", "first")
    assert message.headline == "[company.monitoring] page \u279b FIRING"
    assert message.outcome == "1 firing (first): company.team.etl.extract FAILED"
    assert [a["labels"] for a in message.alerts] == [{"namespace": "company.team.etl", "flowId": "extract"}]
    assert message.alerts[0]["streak"] == 1
