"""runwatch's pytest plugin: test alert flows in your own test suite.

Installed with the package (entry point `pytest11`), it gives:

- `webhook_recorder`: a started `runwatch.testing.WebhookRecorder`;
- `runwatch_clock`: a `ManualClock` at 2024-01-01T00:00:00Z;
- `runwatch_engine`: an engine on that clock with the flows of the folder named by the
  ini option `runwatch_flows` (relative to the rootdir) or by
  `@pytest.mark.runwatch_flows("path")`, and the secrets of `runwatch_secrets`;
- `runwatch_secrets`: `{NAME: recorder URL}` for every name in the ini option
  `runwatch_webhook_secrets` (e.g. `SLACK_WEBHOOK`), so `{{ secret('SLACK_WEBHOOK') }}`
  posts to the recorder at `/SLACK_WEBHOOK`; override the fixture for other secrets;
- `assert_alert_sent(recorder, ...)` and `assert_no_alert(recorder, ...)`.

    # pyproject.toml
    [tool.pytest.ini_options]
    runwatch_flows = "flows"
    runwatch_webhook_secrets = ["SLACK_WEBHOOK"]

    def test_a_failed_etl_alerts_slack(runwatch_engine, webhook_recorder):
        failed = runwatch_engine.run("company.product", "etl")
        assert_alert_sent(webhook_recorder, flow_id="etl", state="FAILED", execution_id=failed.id)
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import pytest

from .engine import Engine
from .testing import RecordedRequest, WebhookRecorder
from ._core import ManualClock

__all__ = ["assert_alert_sent", "assert_no_alert"]

_EPOCH = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("runwatch_flows", "folder of flows runwatch_engine loads (relative to the rootdir)", default="")
    parser.addini("runwatch_webhook_secrets", "secret names that point at webhook_recorder", type="args", default=[])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "runwatch_flows(path): the flows runwatch_engine loads for this test")


def _mentions(request: RecordedRequest, texts: list[str]) -> bool:
    return all(text in request.text for text in texts)


def _wanted(flow_id: Optional[str], namespace: Optional[str], state: Optional[str],
            execution_id: Optional[str]) -> list[str]:
    return [text for text in (flow_id, namespace, state, execution_id) if text]


def _describe(requests: list[RecordedRequest]) -> str:
    if not requests:
        return "no request was received"
    return "received:\n" + "\n".join(f"  {r.method} {r.path}: {r.text[:300]}" for r in requests)


def assert_alert_sent(recorder: WebhookRecorder, flow_id: Optional[str] = None, namespace: Optional[str] = None,
                      state: Optional[str] = None, execution_id: Optional[str] = None, path: Optional[str] = None,
                      count: Optional[int] = None, timeout: float = 10.0) -> list[RecordedRequest]:
    """Waits until the recorder received an alert naming every given value (in its body),
    on `path` when given; with `count`, exactly that many. Returns the matching requests."""
    wanted = _wanted(flow_id, namespace, state, execution_id)
    deadline = time.monotonic() + timeout
    while True:
        matching = [r for r in recorder.requests
                    if _mentions(r, wanted) and (path is None or r.path.split("?")[0] == path)]
        enough = len(matching) >= (count or 1)
        if enough or time.monotonic() >= deadline:
            break
        time.sleep(0.01)
    what = ", ".join(wanted) or "anything"
    if not enough:
        raise AssertionError(f"no alert mentioning {what} within {timeout} s; {_describe(recorder.requests)}")
    if count is not None and len(matching) != count:
        raise AssertionError(f"{len(matching)} alerts mention {what}, expected {count}; {_describe(matching)}")
    return matching


def assert_no_alert(recorder: WebhookRecorder, engine: Optional[Engine] = None, flow_id: Optional[str] = None,
                    namespace: Optional[str] = None, state: Optional[str] = None,
                    execution_id: Optional[str] = None) -> None:
    """Fails if the recorder received an alert naming every given value. With `engine`,
    waits first until the engine has nothing left to do, so a late alert is not missed."""
    if engine is not None and not engine.wait_idle(timeout=30):
        raise AssertionError("the engine did not become idle within 30 s")
    wanted = _wanted(flow_id, namespace, state, execution_id)
    matching = [r for r in recorder.requests if _mentions(r, wanted)]
    if matching:
        raise AssertionError(f"expected no alert mentioning {', '.join(wanted) or 'anything'}; {_describe(matching)}")


@pytest.fixture
def webhook_recorder() -> Iterator[WebhookRecorder]:
    with WebhookRecorder() as recorder:
        yield recorder


@pytest.fixture
def runwatch_clock() -> ManualClock:
    return ManualClock(_EPOCH)


@pytest.fixture
def runwatch_secrets(request: pytest.FixtureRequest) -> dict[str, str]:
    names = request.config.getini("runwatch_webhook_secrets")
    if not names:
        return {}
    recorder: WebhookRecorder = request.getfixturevalue("webhook_recorder")
    return {name: recorder.url_for(f"/{name}") for name in names}


def _flows_folder(request: pytest.FixtureRequest) -> Optional[Path]:
    marker = request.node.get_closest_marker("runwatch_flows")
    configured = marker.args[0] if marker else request.config.getini("runwatch_flows")
    if not configured:
        return None
    folder = Path(configured)
    return folder if folder.is_absolute() else Path(request.config.rootpath) / folder


@pytest.fixture
def runwatch_engine(request: pytest.FixtureRequest, runwatch_clock: ManualClock,
                    runwatch_secrets: dict[str, str]) -> Iterator[Engine]:
    with Engine(clock=runwatch_clock, secrets=runwatch_secrets) as engine:
        folder = _flows_folder(request)
        if folder is not None:
            engine.load_flows(folder)
        yield engine
