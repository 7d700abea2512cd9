"""Objection schema; contact details and evidence stay internal."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk
from app.extensions import db
from app.nominations.models import Nomination


class ObjectionStatus(LabelledEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    UPHELD = "upheld"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.OPEN: _l("open"),
            cls.DISMISSED: _l("dismissed"),
            cls.UPHELD: _l("upheld"),
        }


class Objection(db.Model):
    __tablename__ = "objections"

    id: Mapped[intpk]
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"))
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    content: Mapped[str] = mapped_column(sa.Text)
    evidence_path: Mapped[str | None] = mapped_column(sa.String(255))
    evidence_type: Mapped[str | None] = mapped_column(sa.String(60))
    contact_enc: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_type(ObjectionStatus, "status"), default=ObjectionStatus.OPEN, index=True
    )
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    nomination: Mapped[Nomination] = relationship()
