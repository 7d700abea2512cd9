"""Read-only selects of the public honor pages: headline figures, latest releases, one honoree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.core.cache import memoized
from app.extensions import db
from app.programs.models import Program
from app.registry.models import AwardKind, Honor, Honoree, HonoreeKind
from app.registry.queries import merged_into, public_honor_filter

# The city reports its 中国好人榜 figures "since August 2018" (SPEC §1).
CHINA_LIST_SINCE = date(2018, 8, 1)

LUOHE_GOOD = "luohe_good"
HENAN_GOOD = "henan_good"
CHINA_GOOD = "china_good"
HENAN_MORAL_MODEL = "henan_moral_model"
NATIONAL_MORAL_MODEL = "national_moral_model"


@dataclass(frozen=True)
class HeadlineFigures:
    national_models: int
    national_nomination_awards: int
    provincial_models: int
    provincial_nomination_awards: int
    henan_good_people: int
    henan_good_groups: int
    luohe_good_people: int
    china_good_people: int
    china_good_groups: int
    china_since: date


def _count_by_program(since: date | None = None) -> Counter[tuple[str, AwardKind, HonoreeKind]]:
    stmt = (
        sa.select(Program.code, Honor.award, Honoree.kind, sa.func.count(sa.distinct(Honoree.id)))
        .select_from(Honor)
        .join(Honoree, Honor.honoree_id == Honoree.id)
        .join(Program, Honor.program_id == Program.id)
        .where(public_honor_filter())
        .group_by(Program.code, Honor.award, Honoree.kind)
    )
    if since is not None:
        stmt = stmt.where(Honor.period_start >= since)
    return Counter({(code, award, kind): n for code, award, kind, n in db.session.execute(stmt)})


def headline_figures() -> HeadlineFigures:
    """The figures the city reports (SPEC §1), once per version of the public data."""
    return memoized("headline-figures", _headline_figures)


def _headline_figures() -> HeadlineFigures:
    counts = _count_by_program()
    china = _count_by_program(since=CHINA_LIST_SINCE)
    person, group = HonoreeKind.INDIVIDUAL, HonoreeKind.GROUP
    winner, nominee = AwardKind.HONOREE, AwardKind.NOMINATION_AWARD

    def both(code: str, award: AwardKind) -> int:
        return counts[(code, award, person)] + counts[(code, award, group)]

    return HeadlineFigures(
        national_models=both(NATIONAL_MORAL_MODEL, winner),
        national_nomination_awards=both(NATIONAL_MORAL_MODEL, nominee),
        provincial_models=both(HENAN_MORAL_MODEL, winner),
        provincial_nomination_awards=both(HENAN_MORAL_MODEL, nominee),
        henan_good_people=counts[(HENAN_GOOD, winner, person)],
        henan_good_groups=counts[(HENAN_GOOD, winner, group)],
        luohe_good_people=both(LUOHE_GOOD, winner),
        china_good_people=china[(CHINA_GOOD, winner, person)],
        china_good_groups=china[(CHINA_GOOD, winner, group)],
        china_since=CHINA_LIST_SINCE,
    )


def latest_published(limit: int = 8) -> list[Honor]:
    """The most recently released local honors, honoree and program loaded in one query."""
    stmt = (
        sa.select(Honor)
        .join(Honor.honoree)
        .join(Honor.program)
        .options(
            contains_eager(Honor.honoree).joinedload(Honoree.district),
            contains_eager(Honor.program),
            joinedload(Honor.category),
        )
        .where(public_honor_filter(), Program.external.is_(False))
        .order_by(Honor.published_at.desc(), Honor.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())


def public_honoree_or_abort(
    slug: str, redirect_endpoint: str | None = None
) -> tuple[Honoree, list[Honor]]:
    """The honoree of a public page with its visible honors (newest first); 404 when it
    never was public, 410 when it was taken down (revoked, consent withdrawn). The old
    slug of a merged record answers 301 to `redirect_endpoint` of the record kept."""
    from flask import abort, redirect, url_for

    record = db.session.scalar(
        sa.select(Honoree)
        .options(
            selectinload(Honoree.honors).joinedload(Honor.program),
            selectinload(Honoree.honors).joinedload(Honor.category),
            selectinload(Honoree.members),
            joinedload(Honoree.district),
        )
        .where(Honoree.slug == slug[:80])
    )
    if record is None:
        target = merged_into(slug) if redirect_endpoint else None
        if target is not None:
            abort(redirect(url_for(redirect_endpoint, slug=target.slug), code=301))
        abort(404)
    if not record.is_public:
        abort(410 if record.was_public else 404)
    honors = sorted(
        (h for h in record.honors if h.is_released),
        key=lambda h: (h.period_start, h.id),
        reverse=True,
    )
    return record, honors
