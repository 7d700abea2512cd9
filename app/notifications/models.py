"""Notification schema: the inbox, the mail outbox and the record of reminders sent."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, created_at, intpk
from app.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[created_at]
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Messages of one kind and cycle share a key: a new one folds into the reader's unread
    # entry of that key (counted) instead of adding a row.
    digest_key: Mapped[str | None] = mapped_column(sa.String(120))
    count: Mapped[int] = mapped_column(default=1, server_default="1")

    __table_args__ = (
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_notifications_user_digest", "user_id", "digest_key"),
    )


class OutgoingMail(db.Model):
    """A mail written in the same transaction as the action that caused it, sent by
    `flask honors deliver` (cron): claimed first, `sent_at` committed per mail, retried
    with backoff (`next_attempt_at`) until the attempts run out and a person looks."""

    __tablename__ = "mail_outbox"

    id: Mapped[intpk]
    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[created_at]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(100), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))

    __table_args__ = (sa.Index("ix_mail_outbox_due", "sent_at", "next_attempt_at"),)


class ReminderSent(db.Model):
    """One reminder or call of a kind, for a cycle, to one target (a user or an
    organisation, by id): the row makes `honors schedule` send it once."""

    __tablename__ = "reminders_sent"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int]
    created_at: Mapped[created_at]

    __table_args__ = (sa.UniqueConstraint("cycle_id", "kind", "target_id"),)
