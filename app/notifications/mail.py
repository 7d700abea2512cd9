"""Mail senders behind the MAIL_BACKEND setting; `console` (default) only logs."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger("honors.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class ConsoleSender:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)
        log.info("mail to=%s subject=%s", mail.to, mail.subject)


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        message.set_content(mail.body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


def make_sender(config) -> ConsoleSender | SmtpSender:
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpSender(config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_SENDER"])
    return ConsoleSender()
