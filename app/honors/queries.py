"""Read-only selects of the public honor pages: headline figures, latest releases, one honoree,
a published cycle's transparency report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.committee import queries as committee_queries
from app.committee.models import Runoff
from app.core.cache import aggregate
from app.extensions import db
from app.nominations.models import Nomination
from app.notice.models import Objection, ObjectionStatus
from app.programs.models import Cycle, Program
from app.registry.models import AwardKind, Honor, Honoree, HonoreeKind
from app.registry.queries import merged_into, public_honor_filter
from app.review.queries import counts as like_counts

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
    return aggregate("headline-figures", _headline_figures)


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


def cycle_by_period(program_code: str, period: str) -> Cycle | None:
    """The cycle a public URL names (`/cycles/<program_code>/<period>`), or None."""
    return db.session.scalar(
        sa.select(Cycle)
        .join(Program)
        .where(Program.code == program_code[:40], Cycle.period == period[:20])
    )


@dataclass(frozen=True)
class TransparencyReport:
    """What the transparency page of a published cycle shows besides its rules."""

    honors: Sequence[Honor]
    main: Any  # the committee's final result, computed when the vote closed
    runoffs: Sequence[Runoff]
    recusals: int
    likes: dict[int, int]  # likes per nomination id
    objections: dict[ObjectionStatus, int]
    nomination_of: dict[int, int]  # honoree id -> nomination id in this cycle
    candidate_names: dict[int, str]  # nomination id -> name, for the honorees shown only

    @property
    def total_likes(self) -> int:
        return sum(self.likes.values())

    @property
    def objections_received(self) -> int:
        return sum(self.objections.values())

    @property
    def objections_upheld(self) -> int:
        return self.objections.get(ObjectionStatus.UPHELD, 0)

    def candidate_name(self, nomination_id: int) -> str | None:
        """Vote totals per candidate are named only for the honorees published here."""
        return self.candidate_names.get(nomination_id)

    def likes_for(self, honor: Honor) -> int:
        return self.likes.get(self.nomination_of.get(honor.honoree_id), 0)


def transparency_report(cycle: Cycle) -> TransparencyReport:
    """The honors, votes, runoffs, likes and objections of a published cycle."""
    honors = (
        db.session.scalars(
            sa.select(Honor)
            .join(Honor.honoree)
            .options(
                joinedload(Honor.honoree).joinedload(Honoree.district), joinedload(Honor.category)
            )
            .where(Honor.cycle_id == cycle.id, public_honor_filter())
            .order_by(Honor.category_id, Honor.id)
        )
        .unique()
        .all()
    )
    main = committee_queries.final_result(cycle)  # computed when the vote closed
    runoffs = db.session.scalars(
        sa.select(Runoff).where(Runoff.cycle_id == cycle.id).order_by(Runoff.round)
    ).all()
    objections = dict(
        db.session.execute(
            sa.select(Objection.status, sa.func.count())
            .where(Objection.cycle_id == cycle.id)
            .group_by(Objection.status)
        )
        .tuples()
        .all()
    )
    likes = like_counts(cycle.id)
    # Likes were given to nominations: map each honoree of the cycle to its nomination once.
    nomination_of = dict(
        db.session.execute(
            sa.select(Nomination.honoree_id, Nomination.id).where(
                Nomination.cycle_id == cycle.id, Nomination.honoree_id.is_not(None)
            )
        )
        .tuples()
        .all()
    )
    names = {honor.honoree_id: honor.honoree.name for honor in honors}
    return TransparencyReport(
        honors=honors,
        main=main,
        runoffs=runoffs,
        recusals=len(committee_queries.recusals(cycle)),
        likes=likes,
        objections=objections,
        nomination_of=nomination_of,
        candidate_names={
            nomination: names[honoree]
            for honoree, nomination in nomination_of.items()
            if honoree in names
        },
    )
