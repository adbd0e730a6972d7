"""Test helpers for alert flows: a local webhook endpoint that records what notifications post.

    with WebhookRecorder() as hook:
        engine.add_flow(f'''... url: "{hook.url_for("/slack")}" ...''')
        engine.run("company.team", "alerting")
        (request,) = hook.wait_for(1)
        assert request.json["text"].startswith("Failure")

It listens on 127.0.0.1 on a free port, answers 200 "ok" unless told otherwise
(`respond`, `fail_next`), and with `tls=True` serves https with a self-signed certificate
made at start, whose file `ca_file` names (flows trust it with `options.ssl.caFile`).
"""

from __future__ import annotations

import json
import ssl
import tempfile
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional, Union

from ._certificates import write_self_signed_certificate
from ._recording import Arrivals
from .mail_recorder import MailRecorder, RecordedMail

__all__ = ["MailRecorder", "RecordedMail", "RecordedRequest", "WebhookRecorder"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the recorder received."""

    method: str
    path: str  # with its query string
    headers: dict[str, str]
    body: bytes
    json: Any  # the body parsed as JSON, or None when it is not JSON

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> Optional[str]:
        """A header's value by case-insensitive name, or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    recorder: "WebhookRecorder"  # set on the subclass each recorder makes

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _handle(self) -> None:
        body = self._read_body()
        answer = self.recorder._record(
            RecordedRequest(self.command, self.path, dict(self.headers.items()), body, _parse_json(body))
        )
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # tests read the records, not the console


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a burst of concurrent deliveries (many workers
    # posting at once) would see connections reset before the server accepts them.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that drop the connection or refuse the certificate are part of the tests


class WebhookRecorder:
    """A local HTTP(S) endpoint that records requests and answers as programmed.

    Use it as a context manager (or call `start()` and `close()`). Thread-safe: the engine's
    workers post while the test reads.
    """

    def __init__(self, tls: bool = False) -> None:
        self.tls = tls
        self._requests: Arrivals[RecordedRequest] = Arrivals("request(s)")
        self._lock = self._requests.lock
        self._failures: deque[_Answer] = deque()
        self._default = _Answer(200, b"ok", (("Content-Type", "text/plain"),))
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._folder: Optional[tempfile.TemporaryDirectory[str]] = None
        self._ca_file: Optional[str] = None

    def start(self) -> "WebhookRecorder":
        """Starts listening; returns self."""
        if self._server is not None:
            raise RuntimeError("the recorder is already started")
        handler = type("RecorderHandler", (_Handler,), {"recorder": self})
        server = _Server(("127.0.0.1", 0), handler)
        if self.tls:
            self._folder = tempfile.TemporaryDirectory(prefix="runwatch-recorder-")
            cert, key = write_self_signed_certificate(Path(self._folder.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
            self._ca_file = str(cert)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="webhook-recorder", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stops listening and removes the certificate files. Safe to call twice."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> "WebhookRecorder":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:54321 (https with tls=True)."""
        if self._server is None:
            raise RuntimeError("the recorder is not started")
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def url_for(self, path: str) -> str:
        """The URL of `path` on the recorder ("/slack" or "slack")."""
        return self.url + (path if path.startswith("/") else "/" + path)

    @property
    def ca_file(self) -> str:
        """The PEM file of the self-signed certificate (tls=True only)."""
        if self._ca_file is None:
            raise RuntimeError("ca_file exists only for a started WebhookRecorder(tls=True)")
        return self._ca_file

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        return self._requests.all()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[RecordedRequest]:
        """Waits until `count` requests arrived and returns them all; TimeoutError after `timeout` s."""
        return self._requests.wait_for(count, timeout)

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        retry_after: Union[int, str, None] = None,
        body: bytes = b"recorder failure",
    ) -> None:
        """Answers the next `n` requests with `status` (and a Retry-After header: seconds or an HTTP-date)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/plain"),)
        if retry_after is not None:
            headers += (("Retry-After", str(retry_after)),)
        with self._lock:
            self._failures.extend(_Answer(status, body, headers) for _ in range(n))

    def respond(self, status: int = 200, body: bytes = b"ok", headers: Optional[dict[str, str]] = None) -> None:
        """Sets the answer given whenever no failure is queued."""
        with self._lock:
            self._default = _Answer(status, body, tuple((headers or {"Content-Type": "text/plain"}).items()))

    def clear(self) -> None:
        """Forgets the requests received so far."""
        self._requests.clear()

    def _record(self, request: RecordedRequest) -> _Answer:
        with self._lock:
            self._requests.add(request)
            return self._failures.popleft() if self._failures else self._default
