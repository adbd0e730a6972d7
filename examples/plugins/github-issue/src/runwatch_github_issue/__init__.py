"""Kestra's io.kestra.plugin.github.issues.Create as a runwatch plugin: opens an issue
through GitHub's REST API (POST /repos/{owner}/{repo}/issues)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Optional

import runwatch

TYPE = "io.kestra.plugin.github.issues.Create"
_TIMEOUT_SECONDS = 30
_MAX_ANSWER_BYTES = 1 << 20  # an issue's JSON is a few KiB: a larger answer is not GitHub's


def _issue_request(url: str, repository: str, token: Optional[str], issue: dict[str, Any]) -> urllib.request.Request:
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise ValueError(f"repository must be 'owner/name', not {repository!r}")
    headers = {"Accept": "application/vnd.github+json", "Content-Type": "application/json",
               "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "runwatch-github-issue"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    endpoint = f"{url.rstrip('/')}/repos/{owner}/{name}/issues"
    return urllib.request.Request(endpoint, data=json.dumps(issue).encode(), headers=headers, method="POST")


@runwatch.task(TYPE, description="Opens a GitHub issue (Kestra's GitHub plugin).")
def create_issue(ctx: runwatch.TaskContext, repository: str, title: str, body: str = "",
                 labels: Optional[list[str]] = None, assignees: Optional[list[str]] = None,
                 oauthToken: Optional[str] = None, url: str = "https://api.github.com") -> dict[str, Any]:
    issue: dict[str, Any] = {"title": title, "body": body}
    if labels:
        issue["labels"] = labels
    if assignees:
        issue["assignees"] = assignees
    request = _issue_request(url, repository, oauthToken, issue)
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            answer = response.read(_MAX_ANSWER_BYTES + 1)
        if len(answer) > _MAX_ANSWER_BYTES:
            raise RuntimeError(f"GitHub's answer is larger than {_MAX_ANSWER_BYTES} bytes: not an issue")
        created = json.loads(answer)
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"GitHub refused the issue: HTTP {e.code} {e.read(500).decode(errors='replace')}") from None
    ctx.log("INFO", f"Opened issue #{created['number']} in {repository}")
    return {"issueUrl": created["html_url"], "issueNumber": created["number"]}
