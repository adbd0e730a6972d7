"""A real `runwatch server` killed with SIGKILL while an execution is paused, a parent
waits for its Subflow's paused child, and a loop runs a task: after the restart on the
same database, the paused ones are still paused and go on when resumed through the API
(the parent with its child), and the loop, interrupted in a task, ends FAILED with its
alert sent once (kestra.server.workerTaskRestartStrategy NEVER). A ForEachItem killed while
its executions are paused goes on waiting for them after the restart."""

import json
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

from runwatch.testing import WebhookRecorder
from test_crash import request, start

APPROVAL = """
id: approval
namespace: company.team
tasks:
  - id: wait_for_approval
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: reason
        type: STRING
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.wait_for_approval.onResume.reason }}"
"""

PARENT = """
id: parent
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: approval
outputs:
  - id: child_state
    type: STRING
    value: "{{ outputs.call.state }}"
"""

LOOP = """
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2, 3]
    tasks:
      - id: nap
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT30S
"""

ALERT = """
id: alert
namespace: company.monitoring
tasks:
  - id: notify
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: "URL"
    payload: '{"text": "{{ trigger.executionId }} {{ trigger.flowId }}"}'
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
"""


def state(port: int, execution_id: str) -> str:
    return str(request(port, "GET", f"/api/v1/executions/{execution_id}")["state"]["current"])


def wait_for(port: int, execution_id: str, wanted: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        execution: dict[str, Any] = request(port, "GET", f"/api/v1/executions/{execution_id}")
        if execution["state"]["current"] == wanted:
            return execution
        time.sleep(0.05)
    raise AssertionError(f"{execution_id} is {state(port, execution_id)}, not {wanted}")


def resume(port: int, execution_id: str, inputs: dict[str, str]) -> int:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/executions/{execution_id}/resume",
                                 data=json.dumps(inputs).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as answer:
        return int(answer.status)


def test_paused_executions_and_waiting_parents_survive_a_kill(tmp_path: Path) -> None:
    with WebhookRecorder() as hook:
        (tmp_path / "application.yml").write_text(
            f"kestra:\n  repository:\n    type: sqlite\n    path: {tmp_path / 'runwatch.db'}\n")
        process, port = start(tmp_path)
        for flow in (APPROVAL, PARENT, LOOP, ALERT.replace("URL", hook.url_for("/alert"))):
            request(port, "POST", "/api/v1/flows", yaml=flow)
        paused = request(port, "POST", "/api/v1/executions/company.team/approval")["id"]
        parent = request(port, "POST", "/api/v1/executions/company.team/parent")["id"]
        loop = request(port, "POST", "/api/v1/executions/company.team/loop")["id"]
        wait_for(port, paused, "PAUSED")
        child = wait_for(port, parent, "RUNNING")
        while "executionId" not in child["taskRunList"][0]["outputs"]:
            child = request(port, "GET", f"/api/v1/executions/{parent}")
        child_id = child["taskRunList"][0]["outputs"]["executionId"]
        wait_for(port, child_id, "PAUSED")
        looping = wait_for(port, loop, "RUNNING")
        # Killed inside the task: its attempt RUNNING, and recorded (the indexer's next batch).
        deadline = time.monotonic() + 20
        while not any(run["taskId"] == "nap" and run["state"]["current"] == "RUNNING"
                      for run in looping["taskRunList"]) and time.monotonic() < deadline:
            time.sleep(0.02)
            looping = request(port, "GET", f"/api/v1/executions/{loop}")
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

        process, port = start(tmp_path)
        try:
            failed = wait_for(port, loop, "FAILED")
            assert [run["value"] for run in failed["taskRunList"] if run["taskId"] == "nap"] == ["1"]
            logs = request(port, "GET", f"/api/v1/logs/{loop}")
            assert logs[-1]["message"] == "engine restarted while running"

            assert state(port, paused) == "PAUSED"
            assert state(port, child_id) == "PAUSED"
            assert state(port, parent) == "RUNNING"
            assert resume(port, paused, {"reason": "approved after the crash"}) == 204
            done = wait_for(port, paused, "SUCCESS")
            assert done["taskRunList"][1]["outputs"] == {"value": "approved after the crash"}

            assert resume(port, child_id, {"reason": "child approved"}) == 204
            wait_for(port, child_id, "SUCCESS")
            ended = wait_for(port, parent, "SUCCESS")
            assert ended["outputs"] == {"child_state": "SUCCESS"}
            assert ended["taskRunList"][0]["outputs"]["state"] == "SUCCESS"

            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not hook.requests:
                time.sleep(0.05)
            time.sleep(0.5)  # a second delivery would have come by now
            assert [r.json["text"] for r in hook.requests] == [f"{loop} loop"]
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


ITEMS = """
id: items
namespace: company.team
tasks:
  - id: files
    type: io.kestra.plugin.core.storage.LocalFiles
    inputs:
      items.txt: "a\\nb\\nc\\n"
    outputs:
      - items.txt
  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ outputs.files.uris['items.txt'] }}"
    namespace: company.team
    flowId: approval
"""


def test_a_for_each_item_waiting_for_its_executions_survives_a_kill(tmp_path: Path) -> None:
    (tmp_path / "application.yml").write_text(
        f"kestra:\n  repository:\n    type: sqlite\n    path: {tmp_path / 'runwatch.db'}\n")
    process, port = start(tmp_path)
    for flow in (APPROVAL, ITEMS):
        request(port, "POST", "/api/v1/flows", yaml=flow)
    parent = request(port, "POST", "/api/v1/executions/company.team/items")["id"]
    deadline = time.monotonic() + 20
    children: list[str] = []
    while len(children) < 3 and time.monotonic() < deadline:
        found = request(port, "GET", "/api/v1/executions/search?namespace=company.team&flowId=approval")
        children = [e["id"] for e in found["results"]]
        time.sleep(0.05)
    assert len(children) == 3
    for child in children:
        wait_for(port, child, "PAUSED")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    process, port = start(tmp_path)
    try:
        assert state(port, parent) == "RUNNING"
        for child in children:
            assert state(port, child) == "PAUSED"
            assert resume(port, child, {"reason": "after the crash"}) == 204
        ended = wait_for(port, parent, "SUCCESS")
        items = next(r for r in ended["taskRunList"] if r["taskId"] == "each_items")
        # Read once after the restart: all three PAUSED, then each moved to SUCCESS as it ended.
        assert items["outputs"]["iterations"] == {"CREATED": 0, "RUNNING": 0, "PAUSED": 0, "SUCCESS": 3}
        assert items["outputs"]["numberOfBatches"] == 3
        assert [r["taskId"] for r in ended["taskRunList"]] == ["files", "each", "each_split", "each_items", "each_merge"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
