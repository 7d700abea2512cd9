"""Notify users: an inbox row now, an e-mail queued until the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.accounts.models import Role, User, UserRole
from app.db_types import utcnow
from app.extensions import db
from app.notifications import outbox
from app.notifications.mail import Mail
from app.notifications.models import Notification


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
