"""Notify users: an inbox row now, an e-mail queued until the transaction commits; mail
that failed after a commit is sent again by `deliver_mail` (`flask honors deliver`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.accounts.models import Role, User, UserRole
from app.db_types import utcnow
from app.extensions import db
from app.notifications import outbox
from app.notifications.mail import Mail
from app.notifications.models import Notification, OutgoingMail

# A mail still refused after this many attempts (a wrong address) waits for a person.
MAX_ATTEMPTS = 5


def notify(users: Iterable[User], *, subject: str, body: str = "", link: str | None = None) -> int:
    """Add an inbox message per user; mail goes out only after commit. Returns the count."""
    count = 0
    for user in users:
        db.session.add(Notification(user_id=user.id, subject=subject, body=body, link=link))
        if user.email:
            outbox.queue(db.session, Mail(to=user.email, subject=subject, body=body, link=link))
        count += 1
    db.session.flush()
    return count


def organisation_nominators(organisation_id: int) -> list[User]:
    stmt = (
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.organisation_id == organisation_id,
            User.is_active.is_(True),
            UserRole.role == Role.NOMINATOR,
        )
    )
    return list(db.session.scalars(stmt))


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def pending_mails(limit: int = 500) -> list[OutgoingMail]:
    """Undelivered mail that has attempts left, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OutgoingMail)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
            .order_by(OutgoingMail.id)
            .limit(limit)
        )
    )


def deliver_mail(outgoing: OutgoingMail, sender, *, now: datetime) -> bool:
    """Send one kept mail again through `sender`; record the outcome. True when sent."""
    mail = Mail(
        to=outgoing.to_address, subject=outgoing.subject, body=outgoing.body, link=outgoing.link
    )
    try:
        sender.send(mail)
    except Exception as error:  # noqa: BLE001 - any refusal: count it, try again later
        outgoing.attempts += 1
        outgoing.last_error = error.__class__.__name__[:100]
        db.session.flush()
        return False
    outgoing.sent_at = now
    db.session.flush()
    return True
