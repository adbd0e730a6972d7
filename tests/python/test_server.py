"""The management server from Python (engine.serve) and `runwatch server` as a real child process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import runwatch
from conftest import REPO


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_answers_health_and_stops(clock):
    with runwatch.Engine(clock=clock) as engine:
        with engine.serve(port=0, management_port=0) as server:
            status, body = get(server.management_url + "/health")
            assert status == 200
            assert body["status"] == "UP"
            assert list(body["details"]) == ["repository", "executor", "worker", "scheduler", "diskSpace"]
            assert get(server.management_url + "/nothing") == (404, {"message": "Not found: /nothing", "status": 404})


def test_serve_uses_the_configured_basic_auth(clock):
    config = {"endpoints": {"all": {"basic-auth": {"username": "ops", "password": "pw"}}}}
    with runwatch.Engine(config=config, clock=clock) as engine, engine.serve(port=0, management_port=0) as server:
        assert get(server.management_url + "/health")[0] == 401
        assert get(server.management_url + "/health/liveness")[0] == 200


def test_serve_starts_executions_through_the_api(clock):
    flow = "id: hello\nnamespace: company.team\ntasks:\n  - id: hi\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    with runwatch.Engine(clock=clock) as engine, engine.serve(port=0, management_port=0) as server:
        engine.add_flow(flow)
        request = urllib.request.Request(server.url + "/api/v1/executions/company.team/hello?wait=true", data=b"",
                                         method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            execution = json.loads(answer.read())
        assert execution["state"]["current"] == "SUCCESS"
        assert engine.execution(execution["id"]).state == "SUCCESS"


def start_server(tmp_path: Path, config_text: str, *extra: str) -> subprocess.Popen[str]:
    config = tmp_path / "application.yml"
    config.write_text(config_text)
    env = dict(os.environ, ENDPOINTS_ALL_PORT="0", MICRONAUT_SERVER_PORT="0")
    return subprocess.Popen(
        [sys.executable, "-m", "runwatch.cli", "server", "--config", str(config), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_runwatch_server_serves_until_sigterm(tmp_path):
    process = start_server(tmp_path, "logger:\n  levels:\n    io.kestra.core.runners: DEBUG\n",
                           "--flows", str(REPO / "examples" / "flows"))
    try:
        assert process.stdout is not None
        # The engine's own log lines (timestamped) come to stdout too; the command's start with "runwatch:".
        said: list[str] = []
        logged: list[str] = []
        for line in iter(process.stdout.readline, ""):
            (said if line.startswith("runwatch:") else logged).append(line.strip())
            if "management endpoints" in line:
                break
        assert said[0] == f"runwatch: 3 flow(s) loaded from {REPO / 'examples' / 'flows'}"
        assert said[1].startswith("runwatch: API on http://0.0.0.0:")
        port = int(said[1].split("management endpoints on http://0.0.0.0:")[1].split(" ")[0])
        base = f"http://127.0.0.1:{port}"
        assert get(base + "/health")[0] == 200
        assert get(base + "/loggers/io.kestra.core.runners") == (
            200, {"configuredLevel": "DEBUG", "effectiveLevel": "DEBUG"})
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=30)
        assert [line for line in stdout.splitlines() if line.startswith("runwatch:")] == ["runwatch: stopping"]
        assert any(line.endswith(f"io.kestra.core.server management server listening on 0.0.0.0:{port}") for line in logged)
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_runwatch_server_refuses_an_invalid_configuration(tmp_path):
    process = start_server(tmp_path, "endpoints:\n  all:\n    port: http\n")
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.strip().endswith(
        "application.yml:3:11: error: endpoints.all.port: must be a port number from 0 (any free port) to 65535, got 'http'")
