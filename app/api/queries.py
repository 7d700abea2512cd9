"""Reads of the open data: the feed's latest public honors, the programs, public honorees
counted by program and kind."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.programs.models import Level, Program
from app.registry.models import Honor, Honoree, HonoreeKind
from app.registry.queries import public_honor_filter


def latest_public_honors(limit: int) -> list[Honor]:
    """The newest public honors with their honoree and program (the Atom feed)."""
    return list(
        db.session.scalars(
            sa.select(Honor)
            .join(Honor.honoree)
            .join(Honor.program)
            .options(contains_eager(Honor.honoree), contains_eager(Honor.program))
            .where(public_honor_filter())
            .order_by(Honor.published_at.desc(), Honor.id.desc())
            .limit(limit)
        ).unique()
    )


def programs() -> list[Program]:
    return list(db.session.scalars(sa.select(Program).order_by(Program.sort_order)))


def public_counts_by_program() -> list[tuple[str, Level, HonoreeKind, int]]:
    """Distinct public honorees per program code, program level and kind."""
    return list(
        db.session.execute(
            sa.select(
                Program.code, Program.level, Honoree.kind, sa.func.count(sa.distinct(Honoree.id))
            )
            .select_from(Honor)
            .join(Honoree, Honor.honoree_id == Honoree.id)
            .join(Program, Honor.program_id == Program.id)
            .where(public_honor_filter())
            .group_by(Program.code, Program.level, Honoree.kind)
        ).tuples()
    )
