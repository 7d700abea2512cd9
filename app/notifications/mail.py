"""Delivery channels behind the MAIL_BACKEND setting: `console` (default) only logs,
`smtp` sends through Flask-Mailman. A channel is anything with `send(message)` that raises
when the message did not go out; an SMS gateway would be one more class here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Protocol

from flask_mailman import EmailMessage
from flask_mailman import Mail as Mailman

log = logging.getLogger("honors.mail")

mailman = Mailman()


class MailAddressError(ValueError):
    """A recipient that is not one plain address (a line break, a second address)."""


class NotSentError(RuntimeError):
    """The backend accepted the call but reported that nothing went out."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    link: str | None = None  # a site path; the mail carries it on PUBLIC_BASE_URL


class Channel(Protocol):
    """Sends one message to its recipient; raises on any failure (the outbox retries)."""

    def send(self, message: Mail) -> None: ...


def one_line(value: str) -> str:
    """A header value on one line: a name typed with a line break must neither add a header
    (injection) nor make the message unsendable."""
    return " ".join(part.strip() for part in value.splitlines() if part.strip())


def absolute_link(path: str, base_url: str) -> str:
    """A site path on the public origin (mail is read away from the site)."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def mail_body(mail: Mail, base_url: str) -> str:
    if not mail.link:
        return mail.body
    link = absolute_link(mail.link, base_url)
    return f"{mail.body}\n\n{link}" if mail.body else link


def recipient(address: str) -> str:
    name, plain = parseaddr(address)
    if not plain or name or plain != address.strip() or one_line(address) != address.strip():
        raise MailAddressError("not one plain address")
    return plain


class ConsoleChannel:
    """Logs one line per message and keeps the messages (development, tests)."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, message: Mail) -> None:
        self.sent.append(message)
        log.info("mail to=%s subject=%s", one_line(message.to), one_line(message.subject))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float = 10


class SmtpChannel:
    """SMTP (STARTTLS or SSL, with login when a username is set) through Flask-Mailman;
    needs an app context (`honors deliver` has one)."""

    def __init__(self, settings: SmtpSettings, *, base_url: str) -> None:
        self.settings, self.base_url = settings, base_url

    def send(self, message: Mail) -> None:
        s = self.settings
        connection = mailman.get_connection(
            backend="smtp",
            host=s.host,
            port=s.port,
            username=s.username or "",
            password=s.password or "",
            use_tls=s.use_tls,
            use_ssl=s.use_ssl,
            timeout=s.timeout,
            fail_silently=False,
        )
        email = EmailMessage(
            subject=one_line(message.subject),
            body=mail_body(message, self.base_url),
            from_email=s.sender,
            to=[recipient(message.to)],
            connection=connection,
        )
        if email.send() != 1:
            raise NotSentError("not sent")


def _flag(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def make_channel(config) -> Channel:
    if config["MAIL_BACKEND"] == "smtp":
        settings = SmtpSettings(
            host=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            sender=config.get("MAIL_DEFAULT_SENDER") or config["MAIL_SENDER"],
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            use_tls=_flag(config.get("MAIL_USE_TLS", False)),
            use_ssl=_flag(config.get("MAIL_USE_SSL", False)),
            timeout=float(config.get("MAIL_TIMEOUT", 10)),
        )
        return SmtpChannel(settings, base_url=config["PUBLIC_BASE_URL"])
    return ConsoleChannel()
