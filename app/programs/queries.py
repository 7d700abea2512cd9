"""Read-only selects over programs and cycles."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.programs.models import Category, Cycle, Program
from app.programs.workflow import CyclePhase


def all_programs() -> list[Program]:
    return list(db.session.scalars(sa.select(Program).order_by(Program.sort_order, Program.id)))


def all_categories() -> list[Category]:
    """Every category in its display order (the category choices of staff forms)."""
    return list(db.session.scalars(sa.select(Category).order_by(Category.sort_order)))


def recent_cycles(limit: int = 20) -> list[Cycle]:
    stmt = sa.select(Cycle).order_by(Cycle.reference_date.desc(), Cycle.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def cycles_in_phase(phase: CyclePhase) -> list[Cycle]:
    """The cycles in one phase, the newest first (the public review's and the notice's)."""
    return list(
        db.session.scalars(
            sa.select(Cycle).where(Cycle.state == phase).order_by(Cycle.reference_date.desc())
        )
    )


PUBLIC_PHASES = (CyclePhase.NOMINATING, CyclePhase.PUBLIC_REVIEW, CyclePhase.NOTICE)


def active_cycles() -> list[Cycle]:
    """Cycles the public can take part in now: nominating, public review, notice."""
    stmt = (
        sa.select(Cycle)
        .where(Cycle.state.in_(PUBLIC_PHASES))
        .order_by(Cycle.reference_date.desc(), Cycle.id)
    )
    return list(db.session.scalars(stmt))


def published_cycles(limit: int = 6) -> list[Cycle]:
    """Local cycles whose results are released, newest first (for the transparency pages)."""
    from app.db_types import utcnow

    stmt = (
        sa.select(Cycle)
        .where(
            Cycle.state.in_((CyclePhase.PUBLISHED, CyclePhase.CLOSED)),
            Cycle.published_at <= utcnow(),
        )
        .order_by(Cycle.published_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
