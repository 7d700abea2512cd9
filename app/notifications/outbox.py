"""Mail queued on the session and sent only after it commits (dropped on rollback).

The write has happened by then: a mail that cannot go out (SMTP down, a refused address)
is logged and never turns the response into an error. The in-app inbox row, written in
the same transaction, keeps the message for its reader either way.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.notifications.mail import Mail

OUTBOX_KEY = "honors_outbox"
log = logging.getLogger("honors.mail")


def queue(session: Session, mail: Mail) -> None:
    session.info.setdefault(OUTBOX_KEY, []).append(mail)


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    pending = session.info.pop(OUTBOX_KEY, [])
    if pending and has_app_context():
        sender = current_app.extensions["honors_mail"]
        for mail in pending:
            try:
                sender.send(mail)
            except Exception as error:  # noqa: BLE001 - committed already: log, never raise
                # The class only: a message may quote the address or the subject (PII).
                log.error("mail not delivered: %s", error.__class__.__name__)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
