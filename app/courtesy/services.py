"""Ledger use cases; revocation of an honor stops the honoree's open benefits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.courtesy.models import (
    AidGrant,
    AidType,
    BenefitStatus,
    CourtesyCard,
    HardshipAssessment,
    HardshipLevel,
    Visit,
)
from app.exceptions import RefusedError
from app.extensions import db
from app.registry.models import Honor, HonorStatus


class LedgerError(RefusedError):
    """A ledger entry refused (dates, amounts, revoked honoree)."""


def issue_card(honoree_id: int, *, number: str, issued_on: date, valid_until: date, actor):
    if _revoked_everything(honoree_id):
        raise LedgerError(_l("This honoree's honors are revoked: no new benefits."))
    if valid_until < issued_on:
        raise LedgerError(_l("The card cannot expire before it is issued."), "valid_until")
    if db.session.scalar(sa.select(CourtesyCard.id).where(CourtesyCard.number == number)):
        raise LedgerError(_l("This card number is taken."), "number")
    card = CourtesyCard(
        honoree_id=honoree_id, number=number, issued_on=issued_on, valid_until=valid_until
    )
    db.session.add(card)
    db.session.flush()
    record_event("courtesy.card_issued", actor=actor, obj=card, after={"number": number})
    return card


def add_visit(
    honoree_id: int, *, visited_on: date, team: str, gifts: str, cash_fen: int, actor
) -> Visit:
    visit = Visit(
        honoree_id=honoree_id, visited_on=visited_on, team=team, gifts=gifts, cash_fen=cash_fen
    )
    db.session.add(visit)
    db.session.flush()
    record_event("courtesy.visit", actor=actor, obj=visit, after={"cash_fen": cash_fen})
    return visit


def grant_aid(
    honoree_id: int,
    *,
    aid_type: AidType,
    amount_fen: int,
    fund_source: str,
    granted_on: date,
    actor,
) -> AidGrant:
    if amount_fen <= 0:
        raise LedgerError(_l("The amount must be positive."), "amount")
    if _revoked_everything(honoree_id):
        raise LedgerError(_l("This honoree's honors are revoked: no new benefits."))
    grant = AidGrant(
        honoree_id=honoree_id,
        aid_type=aid_type,
        amount_fen=amount_fen,
        fund_source=fund_source,
        granted_on=granted_on,
    )
    db.session.add(grant)
    db.session.flush()
    record_event(
        "courtesy.aid_granted",
        actor=actor,
        obj=grant,
        after={"type": aid_type.value, "amount_fen": amount_fen, "fund": fund_source},
    )
    return grant


def assess(honoree_id: int, *, assessed_on: date, level: HardshipLevel, notes: str, actor):
    assessment = HardshipAssessment(
        honoree_id=honoree_id, assessed_on=assessed_on, level=level, notes=notes
    )
    db.session.add(assessment)
    db.session.flush()
    record_event("courtesy.assessed", actor=actor, obj=assessment, after={"level": level.value})
    return assessment


def _revoked_everything(honoree_id: int) -> bool:
    statuses = set(
        db.session.scalars(sa.select(Honor.status).where(Honor.honoree_id == honoree_id))
    )
    return bool(statuses) and statuses == {HonorStatus.REVOKED}


def stop_benefits(honor: Honor, reason: str, actor, now: datetime) -> int:
    """When no unrevoked honor is left, open cards and aid stop, with the logged reason."""
    if not _revoked_everything(honor.honoree_id):
        return 0
    stopped = 0
    for model in (CourtesyCard, AidGrant):
        for row in db.session.scalars(
            sa.select(model).where(
                model.honoree_id == honor.honoree_id, model.status == BenefitStatus.ACTIVE
            )
        ):
            row.status, row.stop_reason, row.stopped_at = BenefitStatus.STOPPED, reason, now
            stopped += 1
    db.session.flush()
    if stopped:
        record_event(
            "courtesy.benefits_stopped",
            actor=actor,
            object_type="honorees",
            object_id=honor.honoree_id,
            after={"stopped": stopped},
            reason=reason,
        )
    return stopped


@dataclass(frozen=True)
class ReportRow:
    label: str
    count: int
    total_fen: int


def yearly_report(year: int) -> dict[str, list[ReportRow]]:
    """Counts and sums by aid type and by fund source, and visits, for one year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = AidGrant.granted_on.between(start, end)
    by_type = [
        ReportRow(t, n, s)
        for t, n, s in db.session.execute(
            sa.select(AidGrant.aid_type, sa.func.count(), sa.func.sum(AidGrant.amount_fen))
            .where(in_year)
            .group_by(AidGrant.aid_type)
            .order_by(AidGrant.aid_type)
        )
    ]
    by_fund = [
        ReportRow(f, n, s)
        for f, n, s in db.session.execute(
            sa.select(AidGrant.fund_source, sa.func.count(), sa.func.sum(AidGrant.amount_fen))
            .where(in_year)
            .group_by(AidGrant.fund_source)
            .order_by(AidGrant.fund_source)
        )
    ]
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
