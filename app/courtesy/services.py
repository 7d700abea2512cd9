"""Ledger use cases; revocation of an honor stops the honoree's open benefits. The ledger's
reads and the yearly report: courtesy/queries.py."""

from __future__ import annotations

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
