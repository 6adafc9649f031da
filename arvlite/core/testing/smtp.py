"""An SMTP sink for tests and benches: aiosmtpd on a free loopback port, keeping every
message it accepts (``start_smtp``), and the settings that point Django's SMTP backend at
it (``use_smtp``)."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from arvlite.core.testing.ports import LOOPBACK, free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Sink:
    """The SMTP server's handler (aiosmtpd calls ``handle_DATA`` by that name): keeps every
    message it accepts."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=policy.default)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    sink: Sink
    controller: Controller
    port: int
    running: bool = True

    def stop(self) -> None:
        """Stop listening (once; a second call does nothing)."""
        if self.running:
            self.controller.stop()
            self.running = False


def start_smtp(attempts: int = 3) -> SmtpServer:
    """An aiosmtpd server on a free port (another program may take the port between the
    look-up and the bind: then again on a new one)."""
    for attempt in range(1, attempts + 1):
        sink, port = Sink(), free_port()
        controller = Controller(sink, hostname=LOOPBACK, port=port, ready_timeout=10)
        try:
            controller.start()
        except OSError:
            controller.stop(no_assert=True)
            if attempt == attempts:
                raise
            continue
        return SmtpServer(sink=sink, controller=controller, port=port)
    raise AssertionError("unreachable")


def use_smtp(settings: Any, port: int) -> None:
    """What EMAIL_URL=smtp://127.0.0.1:<port> sets (arvlite/settings.py maps it with
    django-environ), set directly."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = LOOPBACK
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
