"""Reads of the promotion board: pending recommendations, the board's figures, the external
lists one recommends to, a registry record by its number."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.programs.models import Program
from app.promotions.models import Promotion, PromotionStatus
from app.registry.models import Honoree


def pending_promotions() -> list[Promotion]:
    """Recommendations still waiting for an outcome, the newest first."""
    return list(
        db.session.scalars(
            sa.select(Promotion)
            .where(Promotion.status == PromotionStatus.PENDING)
            .order_by(Promotion.recommended_on.desc())
        )
    )


def external_programs() -> list[Program]:
    """The provincial and national lists, in their display order."""
    return list(
        db.session.scalars(
            sa.select(Program).where(Program.external.is_(True)).order_by(Program.sort_order)
        )
    )


def honoree_by_slug(slug: str) -> Honoree | None:
    return db.session.scalar(sa.select(Honoree).where(Honoree.slug == slug))


def board() -> dict:
    """Pending recommendations by target list and outcomes by year."""
    pending = db.session.execute(
        sa.select(Program.name_zh, sa.func.count())
        .join(Promotion.program)
        .where(Promotion.status == PromotionStatus.PENDING)
        .group_by(Program.name_zh)
    ).all()
    decided = db.session.execute(
        sa.select(Promotion.recommended_on, Program.name_zh, Promotion.status)
        .join(Promotion.program)
        .where(Promotion.status != PromotionStatus.PENDING)
    ).all()
    by_year: dict[tuple[int, str, str], int] = {}
    for day, program, status in decided:
        key = (day.year, program, status)
        by_year[key] = by_year.get(key, 0) + 1
    return {"pending": pending, "by_year": sorted(by_year.items(), reverse=True)}
