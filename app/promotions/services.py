"""Promotion use cases: recommend upward, record the outcome (an external honor), record an
external honor directly. The board's reads: promotions/queries.py."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.honors.services import published_honor
from app.programs.models import Program
from app.promotions.models import Promotion, PromotionStatus
from app.registry.models import AwardKind, Honor, Honoree, HonorSource, HonorStatus


class PromotionError(RefusedError):
    """A recommendation or outcome refused."""


def recommend(
    honoree: Honoree,
    program: Program,
    *,
    batch_label: str,
    recommended_on: date,
    category_id: int | None,
    actor,
) -> Promotion:
    if not program.external:
        raise PromotionError(_l("Choose a provincial or national list."), "program_id")
    if not any(h.status is HonorStatus.PUBLISHED for h in honoree.honors):
        raise PromotionError(_l("This honoree's honors are revoked: not recommended upward."))
    if not batch_label.strip():
        raise PromotionError(_l("Give the batch label."), "batch_label")
    pending = db.session.scalar(
        sa.select(Promotion.id).where(
            Promotion.honoree_id == honoree.id,
            Promotion.program_id == program.id,
            Promotion.status == PromotionStatus.PENDING,
        )
    )
    if pending:
        raise PromotionError(_l("A recommendation to this list is already pending."), "program_id")
    promotion = Promotion(
        honoree_id=honoree.id,
        program_id=program.id,
        category_id=category_id,
        batch_label=batch_label.strip(),
        recommended_on=recommended_on,
    )
    db.session.add(promotion)
    db.session.flush()
    record_event(
        "promotion.recommended",
        actor=actor,
        obj=promotion,
        after={"honoree_id": honoree.id, "program": program.code, "batch": promotion.batch_label},
    )
    return promotion


def _external_honor(
    honoree: Honoree,
    program: Program,
    *,
    award: AwardKind,
    period: str,
    start: date,
    end: date,
    category_id: int | None,
    now: datetime,
) -> Honor:
    if start > end:
        raise PromotionError(_l("The period ends before it starts."), "outcome_end")
    exists = db.session.scalar(
        sa.select(Honor.id).where(
            Honor.honoree_id == honoree.id,
            Honor.program_id == program.id,
            Honor.period_label == period,
            Honor.award == award,
        )
    )
    if exists:
        raise PromotionError(_l("This honor is already recorded."), "outcome_period")
    honor = published_honor(
        honoree.id,
        program.id,
        source=HonorSource.EXTERNAL,
        period_label=period,
        period_start=start,
        period_end=end,
        published_at=now,
        award=award,
        category_id=category_id,
        created_at=now,
    )
    db.session.add(honor)
    db.session.flush()
    return honor


def record_outcome(
    promotion: Promotion,
    status: PromotionStatus,
    *,
    period: str | None = None,
    start: date | None = None,
    end: date | None = None,
    actor,
    now: datetime | None = None,
) -> None:
    """Selected or nomination award → an external honor joins the registry record."""
    now = now or utcnow()
    if promotion.status is not PromotionStatus.PENDING:
        raise PromotionError(_l("The outcome is already recorded."))
    if status is PromotionStatus.PENDING:
        raise PromotionError(_l("Choose an outcome."), "status")
    if status in (PromotionStatus.SELECTED, PromotionStatus.NOMINATION_AWARD):
        if not (period and start and end):
            raise PromotionError(_l("Give the period label and its dates."), "outcome_period")
        award = (
            AwardKind.NOMINATION_AWARD
            if status is PromotionStatus.NOMINATION_AWARD
            else AwardKind.HONOREE
        )
        honor = _external_honor(
            promotion.honoree,
            promotion.program,
            award=award,
            period=period.strip(),
            start=start,
            end=end,
            category_id=promotion.category_id,
            now=now,
        )
        promotion.honor_id = honor.id
        promotion.outcome_period, promotion.outcome_start, promotion.outcome_end = (
            period.strip(),
            start,
            end,
        )
    promotion.status = status
    promotion.decided_at = now
    db.session.flush()
    record_event(
        "promotion.outcome",
        actor=actor,
        obj=promotion,
        after={"status": status.value, "period": period},
    )


def record_external_honor(
    honoree: Honoree,
    program: Program,
    *,
    award: AwardKind,
    period: str,
    start: date,
    end: date,
    category_id: int | None,
    actor,
    now: datetime | None = None,
) -> Honor:
    """An external honor of a Luohe person who never passed a local list."""
    if not program.external:
        raise PromotionError(_l("Choose a provincial or national list."), "program_id")
    honor = _external_honor(
        honoree,
        program,
        award=award,
        period=period.strip(),
        start=start,
        end=end,
        category_id=category_id,
        now=now or utcnow(),
    )
    record_event(
        "honor.external_recorded",
        actor=actor,
        obj=honor,
        after={"honoree_id": honoree.id, "program": program.code, "period": period},
    )
    return honor
