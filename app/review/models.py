"""Like schema: one row per like, so counts are exact and every like is auditable."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, intpk, utcnow
from app.extensions import db


class Like(db.Model):
    __tablename__ = "likes"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    # The visitor id lives in the signed session cookie; IPs are kept only as keyed hashes
    # (of the address and of its /24 network) for limits and the anomaly report.
    visitor_id: Mapped[str] = mapped_column(sa.String(32))
    ip_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    net_hash: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date]  # Beijing date: "one like per candidate per visitor per day"
    minute: Mapped[datetime] = mapped_column(UTCDateTime)  # created_at truncated, for bursts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(sa.Text)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.UniqueConstraint("nomination_id", "visitor_id", "day"),
        sa.Index("ix_likes_cycle_net_minute", "cycle_id", "net_hash", "minute"),
        sa.Index("ix_likes_nomination_voided", "nomination_id", "voided_at"),
    )


class LikeBudget(db.Model):
    """Likes one address has given within one window: minute, hour, or (candidate, day).

    One row per (address, scope, window start), raised by a conditional UPDATE so that
    concurrent likes from one address on every worker and machine never pass the cap.
    """

    __tablename__ = "like_budgets"

    id: Mapped[intpk]
    ip_hash: Mapped[str] = mapped_column(sa.String(64))
    scope: Mapped[str] = mapped_column(sa.String(32))  # "minute", "hour", "candidate:<id>"
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    used: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("ip_hash", "scope", "window_start"),
        sa.Index("ix_like_budgets_window_start", "window_start"),
    )
