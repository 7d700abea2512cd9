"""Promotion schema: one recommendation of an honoree to an external program."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk
from app.extensions import db
from app.programs.models import Category, Program
from app.registry.models import Honoree


class PromotionStatus(LabelledEnum):
    PENDING = "pending"
    SELECTED = "selected"
    NOMINATION_AWARD = "nomination_award"
    NOT_SELECTED = "not_selected"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.PENDING: _l("Awaiting the outcome"),
            cls.SELECTED: _l("Selected"),
            cls.NOMINATION_AWARD: _l("Nomination award"),
            cls.NOT_SELECTED: _l("Not selected"),
        }


class Promotion(db.Model):
    __tablename__ = "promotions"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="RESTRICT"), index=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="RESTRICT"))
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="RESTRICT")
    )
    batch_label: Mapped[str] = mapped_column(sa.String(40))
    recommended_on: Mapped[date]
    status: Mapped[PromotionStatus] = mapped_column(
        enum_type(PromotionStatus, "status"), default=PromotionStatus.PENDING, index=True
    )
    outcome_period: Mapped[str | None] = mapped_column(sa.String(30))
    outcome_start: Mapped[date | None]
    outcome_end: Mapped[date | None]
    honor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("honors.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    honoree: Mapped[Honoree] = relationship()
    program: Mapped[Program] = relationship()
    category: Mapped[Category | None] = relationship()
