"""Reads of messages: who receives them (a unit's nominators, the staff), a user's inbox and
unread count, the mails that ran out of attempts."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User, UserRole
from app.extensions import db
from app.notifications.models import Notification, OutgoingMail
from app.notifications.services import MAX_ATTEMPTS


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


def staff_members() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.is_active.is_(True), UserRole.role == Role.STAFF)
            .order_by(User.id)
        )
    )


def unread_count(user: User) -> int:
    """How many of the user's inbox messages are unread (the header's badge)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def inbox(user: User) -> list[Notification]:
    """The user's newest 200 inbox messages."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(200)
        )
    )


def given_up_mails() -> list[OutgoingMail]:
    """Mails whose attempts ran out: they wait for a person (`honors outbox`)."""
    return list(
        db.session.scalars(
            sa.select(OutgoingMail)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= MAX_ATTEMPTS)
            .order_by(OutgoingMail.id)
        )
    )


def undeliverable_count() -> int:
    """How many mails ran out of attempts (shown to admins)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutgoingMail)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= MAX_ATTEMPTS)
    )
