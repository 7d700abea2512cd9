"""Committee schema: roster, ballots (current + every earlier version), conflicts, runoffs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db_types import UTCDateTime, created_at, enum_type, intpk, utcnow
from app.extensions import db
from app.nominations.models import Nomination


class CommitteeMember(db.Model):
    __tablename__ = "committee_members"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    is_chair: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[created_at]

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("cycle_id", "user_id"),)


class Ballot(db.Model):
    """The counted ballot of one member in one round (0 = main vote, 1.. = runoffs).

    Updated in place when the member changes it; every submission is also kept as a
    BallotVersion for the audit, never counted. Nothing outside the tally reads `content`.
    """

    __tablename__ = "ballots"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_members.id", ondelete="CASCADE")
    )
    round: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    receipt: Mapped[str] = mapped_column(sa.String(64), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("cycle_id", "member_id", "round"),)


class BallotVersion(db.Model):
    __tablename__ = "ballot_versions"

    id: Mapped[intpk]
    ballot_id: Mapped[int] = mapped_column(sa.ForeignKey("ballots.id", ondelete="CASCADE"))
    version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    receipt: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("ballot_id", "version"),)


class TallySnapshot(db.Model):
    """The tally of one round, computed once from the final ballots when the round closed.

    Pages and exports read this, never a running count: before the close there is nothing
    to read, and after it no ballot or recusal can change it.
    """

    __tablename__ = "tally_snapshots"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    __table_args__ = (sa.UniqueConstraint("cycle_id", "round"),)


class ConflictStatus(enum.StrEnum):
    FLAGGED = "flagged"  # same organisation: the member must confirm or recuse
    RECUSED = "recused"
    CLEARED = "cleared"  # flagged, member confirmed no conflict (reason kept)


class Conflict(db.Model):
    __tablename__ = "conflicts"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_members.id", ondelete="CASCADE")
    )
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    status: Mapped[ConflictStatus] = mapped_column(enum_type(ConflictStatus, "status"))
    automatic: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    nomination: Mapped[Nomination] = relationship()

    __table_args__ = (sa.UniqueConstraint("member_id", "nomination_id"),)


class Runoff(db.Model):
    """A runoff round among candidates tied at the cutoff, for `places` remaining places."""

    __tablename__ = "runoffs"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    round: Mapped[int]
    places: Mapped[int]
    nomination_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the runoff ties again: the chair's recorded decision.
    decided_ids: Mapped[list[int] | None] = mapped_column(sa.JSON)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (sa.UniqueConstraint("cycle_id", "round"),)
