"""The management server from Python (engine.serve) and `runwatch server` as a real child process."""

from __future__ import annotations

import json
import os
import signal
import socket
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


def raw_request(port: int, request: bytes) -> tuple[int, Any]:
    """Sends bytes as they are (no Content-Length added, as `curl -X POST url` does)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < content_length(answer):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, body = answer.split(b"\r\n\r\n", 1)
    return int(head.split(b" ")[1]), json.loads(body)


def content_length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_a_post_without_content_length_is_a_post_without_a_body(clock):
    flow = "id: hello\nnamespace: company.team\ntasks:\n  - id: hi\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
    with runwatch.Engine(clock=clock) as engine, engine.serve(port=0, management_port=0) as server:
        engine.add_flow(flow)
        status, body = raw_request(server.port, b"POST /api/v1/executions/company.team/hello HTTP/1.1\r\n"
                                                b"Host: localhost\r\nConnection: close\r\n\r\n")
        assert (status, body["flowId"]) == (200, "hello")
        status, body = raw_request(server.port, b"GARBAGE\r\n\r\n")
        assert (status, body) == (400, {"message": "Bad Request", "status": 400})


def start_server(tmp_path: Path, config_text: str, *extra: str) -> subprocess.Popen[str]:
    config = tmp_path / "application.yml"
    config.write_text(config_text)
    env = dict(os.environ, ENDPOINTS_ALL_PORT="0", MICRONAUT_SERVER_PORT="0")
    return subprocess.Popen(
        [sys.executable, "-m", "runwatch.cli", "server", "--config", str(config), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)  # its runwatch.db there


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
        assert said[0] == f"runwatch: 6 flow(s) loaded from the store and {REPO / 'examples' / 'flows'}"
        assert said[1].startswith("runwatch: API on http://0.0.0.0:")
        port = int(said[1].split("management endpoints on http://0.0.0.0:")[1].split(" ")[0])
        base = f"http://127.0.0.1:{port}"
        assert get(base + "/health")[0] == 200
        assert get(base + "/loggers/io.kestra.core.runners") == (
            200, {"configuredLevel": "DEBUG", "effectiveLevel": "DEBUG"})
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=30)
        assert [line for line in stdout.splitlines() if line.startswith("runwatch:")] == [
            "runwatch: stopping: running executions have 30 s to end"]
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


def test_runwatch_server_kills_what_still_runs_after_the_grace_period(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "slow.yaml").write_text(
        "id: slow\nnamespace: company.team\ntasks:\n  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n"
        "    duration: PT1H\n")
    process = start_server(tmp_path, "kestra:\n  server:\n    termination-grace-period: 1s\n", "--flows", str(flows))
    try:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            if "API on http://0.0.0.0:" in line:
                api_port = int(line.split("API on http://0.0.0.0:")[1].split("/")[0])
                break
        request = urllib.request.Request(f"http://127.0.0.1:{api_port}/api/v1/executions/company.team/slow",
                                         data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["flowId"] == "slow"
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
        assert [line for line in stdout.splitlines() if line.startswith("runwatch:")] == [
            "runwatch: stopping: running executions have 1 s to end",
            "runwatch: grace period over: killing what still runs"]
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
