"""Mail queued on the session and sent only after it commits (dropped on rollback)."""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.notifications.mail import Mail

OUTBOX_KEY = "honors_outbox"


def queue(session: Session, mail: Mail) -> None:
    session.info.setdefault(OUTBOX_KEY, []).append(mail)


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    pending = session.info.pop(OUTBOX_KEY, [])
    if pending and has_app_context():
        sender = current_app.extensions["honors_mail"]
        for mail in pending:
            sender.send(mail)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
