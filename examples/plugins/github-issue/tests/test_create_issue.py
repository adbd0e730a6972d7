"""The plugin package as a user meets it: installed, found through its entry point, listed
by `runwatch plugins`, and used by a flow's errors branch against a local fake GitHub API."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import entry_points
from typing import Any

import pytest

import runwatch
from runwatch.plugin_packages import load_plugin_packages

FLOW = """
id: nightly_load
namespace: company.data
tasks:
  - id: load
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: the warehouse refused the load
errors:
  - id: open_issue
    type: io.kestra.plugin.github.issues.Create
    url: "{url}"
    repository: company/data-platform
    oauthToken: "{{{{ secret('GITHUB_TOKEN') }}}}"
    title: "{{{{ flow.namespace }}}}.{{{{ flow.id }}}} failed"
    body: "Execution {{{{ execution.id }}}} failed."
    labels: [incident, data]
"""


class FakeGitHub(ThreadingHTTPServer):
    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.requests: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeGitHub

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.server.status != 201:
            answer = {"message": "Validation Failed"}
        else:
            answer = {"number": 42, "html_url": "https://github.example/company/data-platform/issues/42"}
        data = json.dumps(answer).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def github(request: pytest.FixtureRequest) -> Iterator[FakeGitHub]:
    server = FakeGitHub(getattr(request, "param", 201))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_entry_point_is_installed_and_loads_the_type() -> None:
    (entry,) = [e for e in entry_points(group="runwatch.plugins") if e.name == "github_issue"]
    assert entry.value == "runwatch_github_issue"
    (package,) = [p for p in load_plugin_packages() if p.name == "github_issue"]
    assert package.types == ("io.kestra.plugin.github.issues.Create",)
    assert package.distribution == "runwatch-github-issue 0.1.0"
    assert package.error is None


def test_runwatch_plugins_lists_the_type_with_its_package() -> None:
    listed = subprocess.run([sys.executable, "-m", "runwatch", "plugins"], capture_output=True, text=True, check=True)
    assert "  io.kestra.plugin.github.issues.Create [from runwatch-github-issue 0.1.0]\n" in listed.stdout
    assert "  github_issue = runwatch_github_issue (runwatch-github-issue 0.1.0): " \
           "io.kestra.plugin.github.issues.Create\n" in listed.stdout
    unloaded = subprocess.run([sys.executable, "-m", "runwatch", "--no-plugins", "plugins"],
                              capture_output=True, text=True, check=True)
    assert "io.kestra.plugin.github.issues.Create" not in unloaded.stdout
    assert "plugin packages (0):\n" in unloaded.stdout


def test_a_failed_flow_opens_an_issue_through_its_errors_branch(github: FakeGitHub) -> None:
    with runwatch.Engine(secrets={"GITHUB_TOKEN": "ghp_example"}) as engine:
        engine.add_flow(FLOW.format(url=github.url))
        execution = engine.run("company.data", "nightly_load", timeout=30)
    assert execution.state == "FAILED"
    assert execution.task_run("open_issue").state == "SUCCESS"
    assert execution.task_run("open_issue").outputs == {
        "issueUrl": "https://github.example/company/data-platform/issues/42", "issueNumber": 42}
    (request,) = github.requests
    assert request["path"] == "/repos/company/data-platform/issues"
    assert request["headers"]["Authorization"] == "Bearer ghp_example"
    assert request["headers"]["Accept"] == "application/vnd.github+json"
    assert request["body"] == {"title": "company.data.nightly_load failed",
                               "body": f"Execution {execution.id} failed.", "labels": ["incident", "data"]}


@pytest.mark.parametrize("github", [422], indirect=True)
def test_a_refused_issue_fails_the_task_with_githubs_answer(github: FakeGitHub) -> None:
    with runwatch.Engine(secrets={"GITHUB_TOKEN": "ghp_example"}) as engine:
        engine.add_flow(FLOW.format(url=github.url))
        execution = engine.run("company.data", "nightly_load", timeout=30)
    run = execution.task_run("open_issue")
    assert run.state == "FAILED"
    messages = [log.message for log in execution.logs() if log.task_id == "open_issue"]
    assert 'GitHub refused the issue: HTTP 422 {"message": "Validation Failed"}' in messages[-1]
    assert "ghp_example" not in json.dumps(messages)


def test_a_repository_that_is_not_owner_slash_name_fails_before_any_request(github: FakeGitHub) -> None:
    with runwatch.Engine() as engine:
        engine.add_flow(FLOW.format(url=github.url).replace("company/data-platform", "data-platform")
                        .replace("\"{{ secret('GITHUB_TOKEN') }}\"", "token"))
        execution = engine.run("company.data", "nightly_load", timeout=30)
    messages = [log.message for log in execution.logs() if log.task_id == "open_issue"]
    assert "repository must be 'owner/name', not 'data-platform'" in messages[-1]
    assert github.requests == []
