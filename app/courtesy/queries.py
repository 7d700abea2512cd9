"""Reads of the courtesy and aid ledger: an honoree's entries, the yearly aid report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.courtesy.models import AidGrant, CourtesyCard, HardshipAssessment, Visit
from app.extensions import db
from app.registry.models import Honoree

LEDGER_MODELS = (CourtesyCard, Visit, AidGrant, HardshipAssessment)


def ledger_rows(honoree: Honoree) -> dict[str, list]:
    """The honoree's cards, visits, aid grants and assessments, by table name, newest first."""
    return {
        model.__tablename__: list(
            db.session.scalars(
                sa.select(model).where(model.honoree_id == honoree.id).order_by(model.id.desc())
            )
        )
        for model in LEDGER_MODELS
    }


@dataclass(frozen=True)
class ReportRow:
    label: str
    count: int
    total_fen: int


def _aid_by(column: sa.ColumnElement, in_year: sa.ColumnElement[bool]) -> list[ReportRow]:
    """Count and sum of the year's aid grants per value of `column`, in its order."""
    return [
        ReportRow(value, n, s)
        for value, n, s in db.session.execute(
            sa.select(column, sa.func.count(), sa.func.sum(AidGrant.amount_fen))
            .where(in_year)
            .group_by(column)
            .order_by(column)
        )
    ]


def yearly_report(year: int) -> dict[str, list[ReportRow]]:
    """Counts and sums by aid type and by fund source, and visits, for one year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = AidGrant.granted_on.between(start, end)
    by_type = _aid_by(AidGrant.aid_type, in_year)
    by_fund = _aid_by(AidGrant.fund_source, in_year)
    visits = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Visit.cash_fen), 0)).where(
            Visit.visited_on.between(start, end)
        )
    ).one()
    return {
        "by_type": by_type,
        "by_fund": by_fund,
        "visits": [ReportRow("visits", visits[0], visits[1])],
    }
