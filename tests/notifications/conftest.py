"""A real SMTP server on a free local port (aiosmtpd) and the SMTP channel pointed at it,
or at a port where nothing listens (SMTP down)."""

from __future__ import annotations

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from app.notifications.mail import SmtpChannel, SmtpSettings
from tests.notice.test_notice_dates import in_notice  # noqa: F401 - a cycle in its notice

ORIGIN = "https://haoren.example.gov.cn"
SENDER = "noreply@luohe.invalid"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Keeps every message the server accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        content = envelope.content.replace(b"\r\n", b"\n")  # as received, without wire CRLF
        self.messages.append(email.message_from_bytes(content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_sink(smtp_port):
    """Starts the sink on `smtp_port`; a test that wants SMTP down first starts it later
    with `start_sink(port)`."""
    sink, controller = start_sink(smtp_port)
    yield sink
    controller.stop()


def start_sink(port: int) -> tuple[Sink, Controller]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller


@pytest.fixture
def smtp_channel(app, monkeypatch, smtp_port) -> SmtpChannel:
    """The app sends through SMTP to 127.0.0.1:`smtp_port` (listening or not)."""
    channel = SmtpChannel(
        SmtpSettings(host="127.0.0.1", port=smtp_port, sender=SENDER, timeout=5),
        base_url=ORIGIN,
    )
    monkeypatch.setitem(app.extensions, "honors_mail", channel)
    return channel
