"""The management server from Python (engine.serve) and `runwatch server` as a real child process."""

from __future__ import annotations

import json
import os
import re
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


LOOPBACK_NOTE = ("runwatch: listening on loopback only: to serve other machines set micronaut.server.host "
                 "(with kestra.server.basic-auth.username and .password) and endpoints.all.host")


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
            if line.strip() == LOOPBACK_NOTE:
                break
        assert said[0] == f"runwatch: 6 flow(s) loaded from the store and {REPO / 'examples' / 'flows'}"
        assert said[1].startswith("runwatch: API on http://127.0.0.1:")
        assert said[2] == LOOPBACK_NOTE
        port = int(said[1].split("management endpoints on http://127.0.0.1:")[1].split(" ")[0])
        base = f"http://127.0.0.1:{port}"
        assert get(base + "/health")[0] == 200
        assert get(base + "/loggers/io.kestra.core.runners") == (
            200, {"configuredLevel": "DEBUG", "effectiveLevel": "DEBUG"})
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=30)
        assert [line for line in stdout.splitlines() if line.startswith("runwatch:")] == [
            "runwatch: stopping: running executions have 30 s to end"]
        assert any(line.endswith(f"io.kestra.core.server management server listening on 127.0.0.1:{port}") for line in logged)
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
    process = start_server_with_flow(tmp_path, "kestra:\n  server:\n    termination-grace-period: 1s\n", SLOW_FLOW)
    try:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            if "API on http://127.0.0.1:" in line:
                api_port = int(line.split("API on http://127.0.0.1:")[1].split("/")[0])
            if line.strip() == LOOPBACK_NOTE:
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


def listening_addresses(pid: int) -> set[str]:
    """The local addresses of the TCP sockets `pid` listens on, read from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    addresses = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                host_hex = fields[1].split(":")[0]
                if table == "tcp":
                    addresses.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(host_hex)[::-1]))
                else:
                    addresses.add(host_hex)
    return addresses


def read_ports(process: subprocess.Popen[str]) -> tuple[int, int]:
    assert process.stdout is not None
    for line in iter(process.stdout.readline, ""):
        if found := re.search(r"API on https?://[^:]+:(\d+)/api/v1, management endpoints on https?://[^:]+:(\d+) ", line):
            return int(found[1]), int(found[2])
    raise AssertionError("the server did not start")


def request(url: str, data: bytes | None = None, auth: tuple[str, str] | None = None,
            content_type: str = "application/json") -> tuple[int, Any]:
    headers = {"Content-Type": content_type}
    if auth:
        import base64
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            body = answer.read()
            return answer.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_without_credentials_nothing_listens_beyond_loopback(tmp_path):
    process = start_server(tmp_path, "")
    try:
        read_ports(process)
        assert listening_addresses(process.pid) == {"127.0.0.1"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_an_api_host_beyond_loopback_without_credentials_refuses_to_start(tmp_path):
    process = start_server(tmp_path, "micronaut:\n  server:\n    host: 0.0.0.0\n")
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.strip().endswith(
        "<config>: error: micronaut.server.host: is '0.0.0.0', beyond loopback: set kestra.server.basic-auth.username "
        "and kestra.server.basic-auth.password first, or listen on 127.0.0.1")


SHELL_FLOW = (b"id: shell\nnamespace: company.team\ntasks:\n  - id: run\n"
              b"    type: io.kestra.plugin.scripts.shell.Commands\n    commands: [\"echo $SECRET_TOKEN\"]\n")


def test_with_credentials_an_unauthenticated_client_can_neither_create_run_nor_read(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "c2VjcmV0")
    config = ("kestra:\n  server:\n    basic-auth:\n      username: admin@example.com\n      password: Pa55word\n"
              "micronaut:\n  server:\n    host: 0.0.0.0\n")
    process = start_server(tmp_path, config)
    try:
        api, management = read_ports(process)
        base = f"http://127.0.0.1:{api}/api/v1"
        auth = ("admin@example.com", "Pa55word")
        assert request(base + "/flows", SHELL_FLOW, content_type="application/x-yaml") == (
            401, {"message": "Unauthorized: the API needs basic authentication (kestra.server.basic-auth)", "status": 401})
        status, created = request(base + "/flows", SHELL_FLOW, auth=auth, content_type="application/x-yaml")
        assert (status, created["id"]) == (200, "shell")
        assert request(base + "/executions/company.team/shell", b"{}")[0] == 401
        status, execution = request(base + "/executions/company.team/shell?wait=true", b"{}", auth=auth)
        assert (status, execution["state"]["current"]) == (200, "SUCCESS")
        assert request(base + f"/logs/{execution['id']}")[0] == 401
        assert request(base + f"/executions/{execution['id']}")[0] == 401
        status, logs = request(base + f"/logs/{execution['id']}", auth=auth)
        assert status == 200
        assert [line["message"] for line in logs if line["taskId"] == "run"] == [""]  # the child saw no secret
        # The management server stays on loopback: its endpoints need nothing there.
        assert get(f"http://127.0.0.1:{management}/health/liveness")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_a_management_server_beyond_loopback_without_credentials_hides_its_sensitive_endpoints(tmp_path):
    process = start_server(tmp_path, "endpoints:\n  all:\n    host: 0.0.0.0\n")
    try:
        _, management = read_ports(process)
        base = f"http://127.0.0.1:{management}"
        assert get(base + "/health")[0] == 200
        assert get(base + "/env") == (401, {
            "message": "Unauthorized: /env needs endpoints.all.basic-auth (username and password) when the management "
                       "server listens beyond loopback (endpoints.all.host is 0.0.0.0)", "status": 401})
        assert get(base + "/threaddump")[0] == 401
        assert request(base + "/loggers/io.kestra", b'{"configuredLevel": "TRACE"}')[0] == 401
        assert get(base + "/loggers/io.kestra")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


SLOW_FLOW = ("id: slow\nnamespace: company.team\ntasks:\n  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n"
             "    duration: PT1H\n")
HELLO_FLOW = ("id: hello\nnamespace: company.team\ntasks:\n  - id: hi\n    type: io.kestra.plugin.core.log.Log\n"
              "    message: hi\n")


def start_server_with_flow(tmp_path: Path, config_text: str, flow: str) -> subprocess.Popen[str]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "flow.yaml").write_text(flow)
    return start_server(tmp_path, config_text, "--flows", str(flows))


def test_hostile_requests_get_their_4xx_and_the_server_goes_on(tmp_path):
    process = start_server_with_flow(tmp_path, "micronaut:\n  server:\n    max-request-size: 1MB\n", HELLO_FLOW)
    try:
        api, management = read_ports(process)
        # A chunked body has no Content-Length to refuse up front: it is counted as it comes.
        with socket.create_connection(("127.0.0.1", api), timeout=10) as connection:
            connection.sendall(b"POST /api/v1/flows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-yaml\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n")
            # 4 KiB chunks, the 257th past 1 MiB: the server has read all that was sent when it refuses.
            connection.sendall(b"\r\n".join([b"1000\r\n" + b"#" * 4096] * 257))
            answer = b""
            while piece := connection.recv(65536):
                answer += piece
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert answer.endswith(b'{"message":"The request body is larger than the limit of 1048576 bytes","status":413}')
        nested = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        status, body = request(f"http://127.0.0.1:{api}/api/v1/executions/company.team/hello", nested)
        assert (status, body["message"][:21]) == (400, "Malformed JSON body: ")
        assert process.poll() is None
        assert get(f"http://127.0.0.1:{management}/health/liveness")[0] == 200
        status, execution = request(f"http://127.0.0.1:{api}/api/v1/executions/company.team/hello?wait=true", b"{}")
        assert (status, execution["state"]["current"]) == (200, "SUCCESS")
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_sigterm_stops_the_server_while_a_request_waits(tmp_path):
    process = start_server_with_flow(tmp_path, "kestra:\n  server:\n    termination-grace-period: 1s\n", SLOW_FLOW)
    try:
        api, _ = read_ports(process)
        with socket.create_connection(("127.0.0.1", api), timeout=30) as waiting:
            # ?wait=true would hold its request thread for runwatch.api.wait-timeout (60 s) after SIGTERM.
            waiting.sendall(b"POST /api/v1/executions/company.team/slow?wait=true HTTP/1.1\r\nHost: localhost\r\n"
                            b"Content-Length: 0\r\n\r\n")
            search = f"http://127.0.0.1:{api}/api/v1/executions/search?flowId=slow"
            while get(search)[1]["total"] == 0:
                pass
            process.send_signal(signal.SIGTERM)
            stdout, _ = process.communicate(timeout=20)
        assert [line for line in stdout.splitlines() if line.startswith("runwatch:")][-2:] == [
            "runwatch: stopping: running executions have 1 s to end",
            "runwatch: grace period over: killing what still runs"]
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()


LOGIN_FLOW = ("id: login\nnamespace: company.team\ninputs:\n  - id: password\n    type: SECRET\ntasks:\n"
              "  - id: say\n    type: io.kestra.plugin.core.log.Log\n"
              "    message: \"password {{ inputs.password }}, upper {{ inputs.password | upper }}\"\n")
# Base64 of the 32 bytes "runwatch-test-key-0123456789abcd": an AES-256 key.
SECRET_KEY = "cnVud2F0Y2gtdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2Q="


def test_secret_inputs_are_encrypted_at_rest_and_masked_in_logs(tmp_path):
    config = f"kestra:\n  encryption:\n    secret-key: {SECRET_KEY}\n"
    process = start_server_with_flow(tmp_path, config, LOGIN_FLOW)
    try:
        api, _ = read_ports(process)
        status, execution = request(f"http://127.0.0.1:{api}/api/v1/executions/company.team/login?wait=true",
                                    json.dumps({"password": "hunter22"}).encode())
        assert (status, execution["state"]["current"]) == (200, "SUCCESS")
        sealed = execution["inputs"]["password"]
        assert sealed["type"] == "io.kestra.datatype:aes_encrypted"
        assert len(sealed["value"]) == 48
        _, logs = request(f"http://127.0.0.1:{api}/api/v1/logs/{execution['id']}")
        assert [entry["message"] for entry in logs] == ["password ******, upper ******"]
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
        # Nothing of it in clear in the database file either.
        assert b"hunter22" not in (tmp_path / "runwatch.db").read_bytes()
        assert b"io.kestra.datatype:aes_encrypted" in (tmp_path / "runwatch.db").read_bytes()
    finally:
        if process.poll() is None:
            process.kill()


def test_without_an_encryption_key_the_server_refuses_a_secret_input(tmp_path):
    process = start_server_with_flow(tmp_path, "kestra:\n  repository:\n    type: memory\n", LOGIN_FLOW)
    try:
        api, _ = read_ports(process)
        status, body = request(f"http://127.0.0.1:{api}/api/v1/executions/company.team/login",
                               json.dumps({"password": "hunter22"}).encode())
        assert (status, body["message"]) == (422, "Invalid input 'password' (SECRET): Unable to use a SECRET input "
                                                  "as encryption is not configured (kestra.encryption.secret-key)")
        status, executions = request(f"http://127.0.0.1:{api}/api/v1/executions/search")
        assert (status, executions["total"]) == (200, 0)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_both_servers_speak_https_with_pem_files(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(certificate), "-subj", "/CN=localhost", "-days", "1"],
                   check=True, capture_output=True)
    pem = f"      key-store:\n        certificate-path: {certificate}\n        key-path: {key}\n"
    config = (f"micronaut:\n  server:\n    ssl:\n      enabled: true\n      port: 0\n{pem}"
              f"endpoints:\n  all:\n    ssl:\n      enabled: true\n{pem}")
    process = start_server_with_flow(tmp_path, config, HELLO_FLOW)
    try:
        assert process.stdout is not None
        line = next(line for line in iter(process.stdout.readline, "") if "API on " in line)
        assert "API on https://127.0.0.1:" in line and "management endpoints on https://127.0.0.1:" in line
        api, management = (int(port) for port in re.findall(r"https://127\.0\.0\.1:(\d+)", line))
        import ssl
        trusted = ssl.create_default_context(cafile=str(certificate))
        trusted.check_hostname = False  # the certificate names localhost, the URL 127.0.0.1
        with urllib.request.urlopen(f"https://127.0.0.1:{management}/health/liveness", context=trusted,
                                    timeout=10) as answer:
            assert answer.status == 200
        started = urllib.request.Request(f"https://127.0.0.1:{api}/api/v1/executions/company.team/hello?wait=true",
                                         data=b"{}", headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(started, context=trusted, timeout=10) as answer:
            assert json.loads(answer.read())["state"]["current"] == "SUCCESS"
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"http://127.0.0.1:{api}/api/v1/flows/company.team", timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
