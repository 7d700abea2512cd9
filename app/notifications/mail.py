"""Mail senders behind the MAIL_BACKEND setting; `console` (default) only logs."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

log = logging.getLogger("honors.mail")


class MailAddressError(ValueError):
    """A recipient that is not one plain address (a line break, a second address)."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    link: str | None = None  # a site path; the mail carries it on PUBLIC_BASE_URL


def one_line(value: str) -> str:
    """A header value on one line: a name typed with a line break must neither add a header
    (injection) nor make the message unsendable."""
    return " ".join(part.strip() for part in value.splitlines() if part.strip())


def mail_body(mail: Mail, base_url: str) -> str:
    if not mail.link:
        return mail.body
    link = base_url.rstrip("/") + "/" + mail.link.lstrip("/")
    return f"{mail.body}\n\n{link}" if mail.body else link


def recipient(address: str) -> str:
    name, plain = parseaddr(address)
    if not plain or name or plain != address.strip() or one_line(address) != address.strip():
        raise MailAddressError("not one plain address")
    return plain


class ConsoleSender:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)
        log.info("mail to=%s subject=%s", one_line(mail.to), one_line(mail.subject))


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str, *, base_url: str) -> None:
        self.host, self.port, self.sender, self.base_url = host, port, sender, base_url

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient(mail.to)
        message["Subject"] = one_line(mail.subject)
        message.set_content(mail_body(mail, self.base_url))
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


def make_sender(config) -> ConsoleSender | SmtpSender:
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpSender(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            config["MAIL_SENDER"],
            base_url=config["PUBLIC_BASE_URL"],
        )
    return ConsoleSender()
