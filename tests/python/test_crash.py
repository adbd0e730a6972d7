"""A real `runwatch server` killed with SIGKILL while it runs 1,000 executions, then
started again on the same database file: the flows created through its API are back,
every execution it accepted ends, and every FAILED one has its alert (at least once,
each carrying a stable Idempotency-Key)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

from runwatch.testing import WebhookRecorder

WORK = """
id: work
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.02S
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
"""

ALERT = """
id: alert
namespace: company.monitoring
tasks:
  - id: notify
    type: io.kestra.plugin.notifications.slack.SlackIncomingWebhook
    url: "URL"
    payload: '{"text": "{{ trigger.executionId }}"}'
triggers:
  - id: on_failure
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: work
"""

TOTAL = 1000
KILL_AFTER = 400  # accepted executions before the kill
CLIENTS = 8


def start(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ, ENDPOINTS_ALL_PORT="0", MICRONAUT_SERVER_PORT="0")
    process = subprocess.Popen(
        [sys.executable, "-m", "runwatch.cli", "server", "--config", str(tmp_path / "application.yml")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    assert process.stdout is not None
    for line in iter(process.stdout.readline, ""):
        if "API on http://127.0.0.1:" in line:
            port = int(line.split("API on http://127.0.0.1:")[1].split("/")[0])
            # Keep reading so that the server never blocks on a full pipe.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, port
    raise AssertionError(f"the server did not start (exit code {process.wait()})")


def request(port: int, method: str, path: str, body: Optional[dict[str, Any]] = None, yaml: str = "") -> Any:
    data = yaml.encode() if yaml else json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers={
        "Content-Type": "application/x-yaml" if yaml else "application/json"})
    with urllib.request.urlopen(req, timeout=10) as answer:
        return json.loads(answer.read())


def test_no_accepted_execution_and_no_alert_is_lost_to_a_kill(tmp_path):
    with WebhookRecorder() as hook:
        (tmp_path / "application.yml").write_text(
            f"kestra:\n  repository:\n    type: sqlite\n    path: {tmp_path / 'runwatch.db'}\n")

        process, port = start(tmp_path)
        request(port, "POST", "/api/v1/flows", yaml=WORK)
        request(port, "POST", "/api/v1/flows", yaml=ALERT.replace("URL", hook.url_for("/alert")))
        accepted: dict[str, bool] = {}  # execution id -> asked to fail
        lock = threading.Lock()
        counter = iter(range(TOTAL))
        killed = threading.Event()

        def client() -> None:
            while not killed.is_set():
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                fail = n % 4 == 0
                try:
                    created = request(port, "POST", "/api/v1/executions/company.team/work", {"fail": fail})
                except (urllib.error.URLError, ConnectionError, OSError):
                    return  # the server is gone: not accepted
                with lock:
                    accepted[created["id"]] = fail
                    if len(accepted) == KILL_AFTER and not killed.is_set():
                        killed.set()
                        process.send_signal(signal.SIGKILL)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        assert len(accepted) >= KILL_AFTER

        process, port = start(tmp_path)
        try:
            assert [f["id"] for f in request(port, "GET", "/api/v1/flows/company.team")] == ["work"]
            assert request(port, "GET", "/api/v1/flows/company.monitoring/alert")["revision"] == 1
            deadline = time.monotonic() + 20
            states: dict[str, str] = {}
            while time.monotonic() < deadline:
                states = {i: request(port, "GET", f"/api/v1/executions/{i}")["state"]["current"] for i in accepted}
                if all(s in ("SUCCESS", "FAILED") for s in states.values()):
                    break
                time.sleep(0.2)
            assert sorted(set(states.values())) <= ["FAILED", "SUCCESS"], states
            # Asked to fail: FAILED. Others: SUCCESS, or FAILED when the kill interrupted them.
            assert all(states[i] == "FAILED" for i, fail in accepted.items() if fail)
            failed = {i for i, s in states.items() if s == "FAILED"}
            for i in failed - {i for i, fail in accepted.items() if fail}:
                logs = request(port, "GET", f"/api/v1/logs/{i}")
                assert logs[-1]["message"] == "engine restarted while running"

            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                alerted = {r.json["text"] for r in hook.requests}
                if failed <= alerted:
                    break
                time.sleep(0.2)
            requests = hook.requests
            alerted = {r.json["text"] for r in requests}
            assert failed - alerted == set()
            # One key per alert, the same on every delivery of it.
            keys: dict[str, set[str]] = {}
            for r in requests:
                keys.setdefault(r.json["text"], set()).add(r.header("Idempotency-Key"))
            assert all(len(k) == 1 for k in keys.values())
            assert len({k for ks in keys.values() for k in ks}) == len(keys)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
