"""A client of a running `runwatch server`'s API, for the commands that talk to one
(`runwatch silence`, `runwatch alerts`): JSON in and out, with the credentials of
RUNWATCH_USERNAME and RUNWATCH_PASSWORD (kestra.server.basic-auth) when set."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Optional

from .errors import Error


class ApiClient:
    """Calls `<server>/api/v1<path>`; raises Error saying what the server answered, or why
    nothing came back."""

    def __init__(self, server: str, timeout: float = 10.0) -> None:
        self.base = server.rstrip("/") + "/api/v1"
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        user, password = os.environ.get("RUNWATCH_USERNAME"), os.environ.get("RUNWATCH_PASSWORD")
        if user is not None and password is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def call(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None,
             query: Optional[Mapping[str, Any]] = None) -> Any:
        url = self.base + path
        given = {k: v for k, v in (query or {}).items() if v is not None}
        if given:
            url += "?" + urllib.parse.urlencode(given)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as e:
            try:
                message = json.loads(e.read()).get("message", "")
            except ValueError:
                message = ""
            raise Error(f"{self.base}{path} answered HTTP {e.code}: {message}") from e
        except urllib.error.URLError as e:
            raise Error(f"{self.base}{path}: {e.reason}") from e
