"""A local SMTP server that records what the email notification tasks send.

    with MailRecorder() as mail:
        engine.add_flow(f'''...
          - id: mail
            type: io.kestra.plugin.email.MailExecution
            host: 127.0.0.1
            port: {mail.port}
            transportStrategy: SMTP
            from: runwatch@example.com
            to: oncall@example.com
        ''')
        (message,) = mail.wait_for(1)
        assert message.subject == "[company.team] etl \u279b FAILED"

It listens on 127.0.0.1 on a free port (aiosmtpd, the `test` extra). `tls="smtps"` speaks
TLS from the first byte, `tls="starttls"` requires STARTTLS, both with a self-signed
certificate for 127.0.0.1 (flows trust it with `trustedHosts: ["127.0.0.1"]`);
`credentials=("user", "secret")` requires AUTH with them.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import tempfile
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal, Optional

from ._certificates import write_self_signed_certificate
from ._recording import Arrivals

__all__ = ["MailRecorder", "RecordedMail"]


@dataclass(frozen=True)
class RecordedMail:
    """One message the recorder accepted: its envelope and its parsed content."""

    mail_from: str
    recipients: list[str]  # the envelope's RCPT TO, Cc included
    message: EmailMessage
    login: Optional[str]  # the AUTH user, or None

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def cc(self) -> str:
        return str(self.message["Cc"] or "")

    def _part(self, subtype: str) -> Optional[str]:
        part = self.message.get_body(preferencelist=(subtype,))
        return None if part is None else str(part.get_content())

    @property
    def plain(self) -> Optional[str]:
        """The text/plain part, decoded, or None."""
        return self._part("plain")

    @property
    def html(self) -> Optional[str]:
        """The text/html part, decoded, or None."""
        return self._part("html")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, recorder: "MailRecorder") -> None:
        self.recorder = recorder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        auth = session.auth_data  # aiosmtpd's LoginPassword after AUTH, else None
        login = auth.login.decode() if auth is not None else None
        mail = RecordedMail(
            mail_from=envelope.mail_from,
            recipients=list(envelope.rcpt_tos),
            message=email.message_from_bytes(envelope.original_content, policy=email.policy.default),
            login=login,
        )
        return self.recorder._record(mail)


class MailRecorder:
    """A local SMTP(S) server that records messages and answers as programmed.

    Use it as a context manager (or call `start()` and `close()`). Thread-safe.
    """

    def __init__(self, tls: Optional[Literal["smtps", "starttls"]] = None,
                 credentials: Optional[tuple[str, str]] = None) -> None:
        if tls not in (None, "smtps", "starttls"):
            raise ValueError("tls must be None, 'smtps' or 'starttls'")
        self.tls = tls
        self.credentials = credentials
        self._mails: Arrivals[RecordedMail] = Arrivals("mail(s)")
        self._refusals: deque[str] = deque()
        self._controller: Any = None
        self._folder: Optional[tempfile.TemporaryDirectory[str]] = None
        self._port = 0

    def start(self) -> "MailRecorder":
        """Starts listening; returns self."""
        try:
            from aiosmtpd.controller import Controller
            from aiosmtpd.smtp import AuthResult
        except ImportError as e:  # pragma: no cover - the test extra installs it
            raise RuntimeError("MailRecorder needs aiosmtpd: pip install 'runwatch[test]'") from e
        if self._controller is not None:
            raise RuntimeError("the recorder is already started")
        options: dict[str, Any] = {}
        context = None
        if self.tls is not None:
            self._folder = tempfile.TemporaryDirectory(prefix="runwatch-mail-")
            cert, key = write_self_signed_certificate(Path(self._folder.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            if self.tls == "starttls":
                options.update(tls_context=context, require_starttls=True)
        if self.credentials is not None:
            expected = (self.credentials[0].encode(), self.credentials[1].encode())

            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
                if (data.login, data.password) == expected:
                    return AuthResult(success=True, auth_data=data)
                return AuthResult(success=False, handled=False)  # aiosmtpd then answers 535

            options.update(authenticator=authenticate, auth_required=True, auth_require_tls=False)
        self._port = _free_port()
        controller = Controller(_Handler(self), hostname="127.0.0.1", port=self._port,
                                ssl_context=context if self.tls == "smtps" else None, **options)
        controller.start()
        self._controller = controller
        return self

    def close(self) -> None:
        """Stops the server and removes the certificate files. Safe to call twice."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> "MailRecorder":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the recorder is not started")
        return self._port

    @property
    def mails(self) -> list[RecordedMail]:
        """Every message accepted so far, oldest first (a copy)."""
        return self._mails.all()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[RecordedMail]:
        """Waits until `count` messages arrived and returns them all; TimeoutError after `timeout` s."""
        return self._mails.wait_for(count, timeout)

    def refuse_next(self, n: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        """Answers the next `n` messages with `reply` instead of accepting them."""
        with self._mails.lock:
            self._refusals.extend(reply for _ in range(n))

    def _record(self, mail: RecordedMail) -> str:
        with self._mails.lock:
            if self._refusals:
                return self._refusals.popleft()
            self._mails.add(mail)
            return "250 2.0.0 Ok: queued"
