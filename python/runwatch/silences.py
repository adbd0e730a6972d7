"""Silences (beyond Kestra), in Alertmanager's shape: matchers written as amtool writes them,
and the `runwatch silence` commands, which talk to a running server's API."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Optional, TextIO, Union

from .api_client import ApiClient
from .errors import InputError

Matcher = dict[str, Any]

# name, operator, value: flowId=a, state!=FAILED, namespace=~company\..*, labels.team!~ops|infra
_MATCHER = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.\-]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$", re.DOTALL)


class Silence(NamedTuple):
    """A silence as the engine keeps it; `state` is pending, active or expired."""

    id: str
    matchers: list[Matcher]
    starts_at: dt.datetime
    ends_at: dt.datetime
    updated_at: dt.datetime
    created_by: str
    comment: str
    state: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Silence":
        return cls(data["id"], data["matchers"], _instant(data["startsAt"]), _instant(data["endsAt"]),
                   _instant(data["updatedAt"]), data["createdBy"], data["comment"], data["status"]["state"])


def parse_matcher(text: str) -> Matcher:
    """`name=value`, `name!=value`, `name=~regex` or `name!~regex` (quotes around the value
    are removed), as Alertmanager's JSON matcher. Raises InputError for anything else."""
    found = _MATCHER.match(text)
    if not found:
        raise InputError(f"not a matcher: {text!r} (write name=value, name!=value, name=~regex or name!~regex)")
    name, operator, value = found.groups()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return {"name": name, "value": value, "isRegex": "~" in operator, "isEqual": not operator.startswith("!")}


def silence_body(matchers: Sequence[Union[str, Mapping[str, Any]]], ends_at: str, starts_at: Optional[str] = None,
                 created_by: str = "", comment: str = "") -> dict[str, Any]:
    """The JSON body of a new silence: matchers as text or as Alertmanager's objects."""
    body: dict[str, Any] = {
        "matchers": [parse_matcher(m) if isinstance(m, str) else dict(m) for m in matchers],
        "endsAt": ends_at, "createdBy": created_by, "comment": comment}
    if starts_at is not None:
        body["startsAt"] = starts_at
    return body


def format_instant(when: dt.datetime) -> str:
    if when.tzinfo is None:
        raise InputError("a silence's dates need a time zone (datetime with tzinfo)")
    return when.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_duration(text: str) -> dt.timedelta:
    """`90s`, `30m`, `2h`, `1d`, `1h30m`, or ISO-8601 (`PT2H`)."""
    iso = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", text.strip())
    if iso and any(iso.groups()):
        d, h, m, s = (float(g) if g else 0.0 for g in iso.groups())
        return dt.timedelta(days=d, hours=h, minutes=m, seconds=s)
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhdw])", text.strip())
    if not parts or "".join(n + u for n, u in parts) != text.strip():
        raise InputError(f"not a duration: {text!r} (write 2h, 30m, 1h30m or PT2H)")
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    seconds = sum(float(n) * unit[u] for n, u in parts)
    if seconds <= 0:
        raise InputError(f"a silence's duration must be positive, not {text!r}")
    return dt.timedelta(seconds=seconds)


class SilenceClient:
    """The silences API of a running `runwatch server`."""

    def __init__(self, server: str, timeout: float = 10.0) -> None:
        self.api = ApiClient(server, timeout)

    def add(self, body: dict[str, Any]) -> str:
        return str(self.api.call("POST", "/silences", body)["silenceID"])

    def list(self) -> list[Silence]:
        return [Silence.from_json(s) for s in self.api.call("GET", "/silences")]

    def expire(self, silence_id: str) -> Silence:
        return Silence.from_json(self.api.call("DELETE", "/silences/" + urllib.parse.quote(silence_id, safe="")))


_OPERATORS = {(False, True): "=", (False, False): "!=", (True, True): "=~", (True, False): "!~"}


def print_silences(silences: list[Silence], out: TextIO) -> None:
    for s in silences:
        matchers = " ".join(f"{m['name']}{_OPERATORS[(m['isRegex'], m['isEqual'])]}{m['value']}" for m in s.matchers)
        print(f"{s.id}  {s.state:<8} {format_instant(s.starts_at)} -> {format_instant(s.ends_at)}  "
              f"{matchers}  {s.created_by}: {s.comment}", file=out)
