"""Reads of the public review: who is in it, the likes counted, what a visitor liked today,
the staff's anomaly report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core.clock import local_today
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.queries import public_candidates
from app.nominations.workflow import NominationState
from app.programs.models import Cycle
from app.programs.queries import cycles_in_phase
from app.programs.workflow import CyclePhase
from app.registry.models import ADULT_AGE, age_on
from app.review.models import Like

# Anomaly thresholds: likes from one /24 network within one minute, and distinct visitors
# (fresh cookies) from one address within one hour.
BURST_PER_MINUTE = 20
VISITORS_PER_IP_HOUR = 10


def eligible(nomination: Nomination, cycle: Cycle) -> bool:
    """Qualified, consented, and an adult unless the program shows minors to the public."""
    if nomination.state is not NominationState.QUALIFIED or not nomination.consent_given:
        return False
    if cycle.program.minors_in_public_review or nomination.birth_date is None:
        return True
    return age_on(nomination.birth_date, cycle.reference_date) >= ADULT_AGE


def review_cycles() -> list[Cycle]:
    return cycles_in_phase(CyclePhase.PUBLIC_REVIEW)


def candidates(cycle: Cycle) -> list[Nomination]:
    rows = public_candidates(cycle, NominationState.QUALIFIED)
    return [n for n in rows if eligible(n, cycle)]


def public_candidate(nomination_id: int) -> Nomination | None:
    """The nomination if the public may see it now (in an open review, eligible), else None."""
    nomination = db.session.scalar(
        sa.select(Nomination)
        .options(joinedload(Nomination.cycle).joinedload(Cycle.program).lazyload("*"))
        .where(Nomination.id == nomination_id)
    )  # one statement: the like's only read
    if (
        nomination is None
        or not eligible(nomination, nomination.cycle)
        or (nomination.cycle.state.value != "public_review")
    ):
        return None
    return nomination


def counts(cycle_id: int) -> dict[int, int]:
    """Valid (not voided) likes per nomination: one grouped query."""
    rows = db.session.execute(
        sa.select(Like.nomination_id, sa.func.count())
        .where(Like.cycle_id == cycle_id, Like.voided_at.is_(None))
        .group_by(Like.nomination_id)
    )
    return {nomination_id: n for nomination_id, n in rows}


def liked_today(cycle_id: int, visitor_id: str, now: datetime | None = None) -> set[int]:
    day = local_today(now)
    return set(
        db.session.scalars(
            sa.select(Like.nomination_id).where(
                Like.cycle_id == cycle_id, Like.visitor_id == visitor_id, Like.day == day
            )
        )
    )


def candidate_names(cycle: Cycle) -> dict[int, str]:
    """Every nomination's name in the cycle, by id (the anomaly report names candidates)."""
    return dict(
        db.session.execute(
            sa.select(Nomination.id, Nomination.name).where(Nomination.cycle_id == cycle.id)
        )
        .tuples()
        .all()
    )


@dataclass(frozen=True)
class Burst:
    net_hash: str
    minute: datetime
    likes: int


@dataclass(frozen=True)
class ChurningAddress:
    ip_hash: str
    visitors: int
    likes: int


@dataclass(frozen=True)
class Report:
    bursts: list[Burst]
    churning: list[ChurningAddress]
    per_minute: list[tuple[datetime, int]]
    total: int
    voided: int


def anomaly_report(cycle: Cycle) -> Report:
    """Bursts from one /24 network, one address with many fresh cookies, likes per minute."""
    valid = sa.and_(Like.cycle_id == cycle.id, Like.voided_at.is_(None))
    bursts = [
        Burst(net, minute, n)
        for net, minute, n in db.session.execute(
            sa.select(Like.net_hash, Like.minute, sa.func.count())
            .where(valid)
            .group_by(Like.net_hash, Like.minute)
            .having(sa.func.count() >= BURST_PER_MINUTE)
            .order_by(sa.func.count().desc())
            .limit(50)
        )
    ]
    churning = [
        ChurningAddress(ip, visitors, n)
        for ip, visitors, n in db.session.execute(
            sa.select(Like.ip_hash, sa.func.count(sa.distinct(Like.visitor_id)), sa.func.count())
            .where(valid)
            .group_by(Like.ip_hash)
            .having(sa.func.count(sa.distinct(Like.visitor_id)) >= VISITORS_PER_IP_HOUR)
            .order_by(sa.func.count().desc())
            .limit(50)
        )
    ]
    per_minute = [
        (minute, n)
        for minute, n in db.session.execute(
            sa.select(Like.minute, sa.func.count())
            .where(valid)
            .group_by(Like.minute)
            .order_by(Like.minute.desc())
            .limit(60)
        )
    ]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Like).where(valid))
    voided = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Like)
        .where(Like.cycle_id == cycle.id, Like.voided_at.is_not(None))
    )
    return Report(bursts, churning, list(reversed(per_minute)), total, voided)
