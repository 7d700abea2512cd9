"""Mail queued on the session and sent only after it commits (dropped on rollback).

The write has happened by then: a mail that cannot go out (SMTP down, a refused address)
is logged and kept in the mail_outbox table for `flask honors deliver` (cron), and never
turns the response into an error. The in-app inbox row, written in the same transaction,
keeps the message for its reader either way.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.extensions import db
from app.notifications.mail import Mail
from app.notifications.models import OutgoingMail

OUTBOX_KEY = "honors_outbox"
log = logging.getLogger("honors.mail")


def queue(session: Session, mail: Mail) -> None:
    session.info.setdefault(OUTBOX_KEY, []).append(mail)


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    pending = session.info.pop(OUTBOX_KEY, [])
    if not pending or not has_app_context():
        return
    sender = current_app.extensions["honors_mail"]
    failed: list[tuple[Mail, str]] = []
    for mail in pending:
        try:
            sender.send(mail)
        except Exception as error:  # noqa: BLE001 - committed already: keep it, never raise
            # The class only: a message may quote the address or the subject (PII).
            log.error("mail not delivered: %s", error.__class__.__name__)
            failed.append((mail, error.__class__.__name__))
    if failed:
        _keep(failed)


def _keep(failed: list[tuple[Mail, str]]) -> None:
    """Store the failed mails for `honors deliver`, in a transaction of their own (the
    session's has ended; it cannot write any more)."""
    now = utcnow()
    rows = [
        {
            "to_address": mail.to,
            "subject": mail.subject,
            "body": mail.body,
            "link": mail.link,
            "created_at": now,
            "attempts": 1,
            "last_error": reason[:100],
        }
        for mail, reason in failed
    ]
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(OutgoingMail), rows)
    except Exception as error:  # noqa: BLE001 - database gone too: the log is all we have
        log.error("undelivered mail not kept: %s", error.__class__.__name__)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
