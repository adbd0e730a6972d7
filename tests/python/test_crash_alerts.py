"""A real `runwatch server` killed with SIGKILL while an Alert trigger waits `groupWait`
for its group's companions: started again on the same database file, it sends that
notification exactly once, listing every failing flow."""

import signal
import time
from pathlib import Path

from runwatch.testing import WebhookRecorder
from test_crash import WORK, request, start

ALERTS = """
id: alerts
namespace: company.monitoring
tasks:
  - id: notify
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: "URL"
    payload: |
      {"text": "{{ trigger.status }} {{ trigger.reason }}",
       "flows": {{ trigger.alerts | jq('[.[] | .labels.flowId]') | first | toJson }},
       "counts": {{ trigger.alerts | jq('[.[] | .count]') | first | toJson }}}
triggers:
  - id: failures
    type: io.runwatch.plugin.trigger.Alert
    groupBy: [flowId]
    groupWait: PT4S
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company.team
"""


def wait_ended(port: int, execution_id: str) -> None:
    for _ in range(500):
        if request(port, "GET", f"/api/v1/executions/{execution_id}")["state"]["current"] == "FAILED":
            return
        time.sleep(0.01)
    raise AssertionError(f"{execution_id} did not fail")


def test_a_kill_during_the_group_wait_sends_its_notification_once_after_the_restart(tmp_path: Path) -> None:
    with WebhookRecorder() as hook:
        (tmp_path / "application.yml").write_text(
            f"kestra:\n  repository:\n    type: sqlite\n    path: {tmp_path / 'runwatch.db'}\n")
        process, port = start(tmp_path)
        request(port, "POST", "/api/v1/flows", yaml=WORK)
        request(port, "POST", "/api/v1/flows", yaml=WORK.replace("id: work", "id: other"))
        request(port, "POST", "/api/v1/flows", yaml=ALERTS.replace("URL", hook.url_for("/alert")))
        ids = [request(port, "POST", f"/api/v1/executions/company.team/{flow}", {"fail": True})["id"]
               for flow in ("work", "work", "other")]
        for execution_id in ids:
            wait_ended(port, execution_id)
        time.sleep(1)  # the indexer's next batch holds the alerts' changes (milliseconds)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert hook.requests == []

        process, port = start(tmp_path)
        try:
            (sent,) = hook.wait_for(1, timeout=15)
            assert sent.json == {"text": "firing first", "flows": ["other", "work"], "counts": [1, 2]}
            time.sleep(2)
            assert len(hook.requests) == 1
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
