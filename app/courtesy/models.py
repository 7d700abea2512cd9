"""Courtesy and aid ledger schema; amounts in fen (integer) so sums are exact."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk
from app.extensions import db


class AidType(LabelledEnum):
    LIVING = "living"
    MEDICAL = "medical"
    SCHOOLING = "schooling"
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    PAIRING = "pairing"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.LIVING: _l("Living"),
            cls.MEDICAL: _l("Medical"),
            cls.SCHOOLING: _l("Schooling"),
            cls.HOUSING: _l("Housing"),
            cls.EMPLOYMENT: _l("Employment"),
            cls.PAIRING: _l("Pairing support"),
        }


class BenefitStatus(enum.StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class HardshipLevel(LabelledEnum):
    NONE = "none"
    MODERATE = "moderate"
    SEVERE = "severe"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.NONE: _l("No hardship"),
            cls.MODERATE: _l("Moderate"),
            cls.SEVERE: _l("Severe"),
        }


class CourtesyCard(db.Model):
    __tablename__ = "courtesy_cards"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    issued_on: Mapped[date]
    valid_until: Mapped[date]
    status: Mapped[BenefitStatus] = mapped_column(
        enum_type(BenefitStatus, "status"), default=BenefitStatus.ACTIVE
    )
    stop_reason: Mapped[str | None] = mapped_column(sa.Text)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]


class Visit(db.Model):
    __tablename__ = "courtesy_visits"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[date]
    team: Mapped[str] = mapped_column(sa.String(100))
    gifts: Mapped[str] = mapped_column(sa.String(200), default="")
    cash_fen: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[created_at]

    __table_args__ = (sa.CheckConstraint("cash_fen >= 0", name="cash_not_negative"),)


class AidGrant(db.Model):
    __tablename__ = "aid_grants"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    aid_type: Mapped[AidType] = mapped_column(enum_type(AidType, "aid_type"))
    amount_fen: Mapped[int]
    fund_source: Mapped[str] = mapped_column(sa.String(60))
    granted_on: Mapped[date]
    status: Mapped[BenefitStatus] = mapped_column(
        enum_type(BenefitStatus, "status"), default=BenefitStatus.ACTIVE
    )
    stop_reason: Mapped[str | None] = mapped_column(sa.Text)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)


class HardshipAssessment(db.Model):
    __tablename__ = "hardship_assessments"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    assessed_on: Mapped[date]
    level: Mapped[HardshipLevel] = mapped_column(enum_type(HardshipLevel, "level"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]
