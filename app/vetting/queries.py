"""Reads of the vetting pages: the queue and its filters, the registry candidates, the
annual shortlist's pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.nominations.models import Channel, Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cadence, Category, Cycle, Program
from app.registry.models import Honor, Honoree, HonoreeKind, HonorStatus


def year_honorees(cycle: Cycle) -> list[Honoree]:
    """Registry records with a published honor of a monthly local program in the cycle's year
    (the pool an annual program such as 感动漯河年度人物 shortlists from)."""
    year = cycle.reference_date.year
    stmt = (
        sa.select(Honoree)
        .join(Honor, Honor.honoree_id == Honoree.id)
        .join(Program, Honor.program_id == Program.id)
        .where(
            Program.cadence == Cadence.MONTHLY,
            Program.external.is_(False),
            Honor.status == HonorStatus.PUBLISHED,
            Honor.period_start.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .order_by(Honoree.name)
    )
    return list(db.session.scalars(stmt).unique())


@dataclass(frozen=True)
class QueueFilters:
    cycle_id: int | None = None
    state: NominationState | None = None
    district_id: int | None = None
    category_id: int | None = None
    channel: Channel | None = None


def queue_statement(filters: QueueFilters) -> sa.Select:
    stmt = (
        sa.select(Nomination)
        .where(Nomination.state != NominationState.DRAFT)
        .options(
            joinedload(Nomination.cycle).joinedload(Cycle.program),
            joinedload(Nomination.category),
            joinedload(Nomination.organisation),
            joinedload(Nomination.district),
        )
        .order_by(Nomination.submitted_at.desc().nulls_last(), Nomination.id.desc())
    )
    if filters.cycle_id:
        stmt = stmt.where(Nomination.cycle_id == filters.cycle_id)
    if filters.state:
        stmt = stmt.where(Nomination.state == filters.state)
    if filters.district_id:
        stmt = stmt.where(Nomination.district_id == filters.district_id)
    if filters.category_id:
        stmt = stmt.where(Nomination.category_id == filters.category_id)
    if filters.channel:
        stmt = stmt.where(Nomination.channel == filters.channel)
    return stmt


def filter_cycles() -> list[Cycle]:
    """Every cycle, newest first, for the queue's cycle filter."""
    return list(
        db.session.scalars(
            sa.select(Cycle).join(Program).order_by(Cycle.reference_date.desc(), Program.sort_order)
        )
    )


def filter_categories() -> list[Category]:
    """Every category, for the queue's category filter."""
    return list(db.session.scalars(sa.select(Category).order_by(Category.sort_order)))


def submitted_among(ids: list[int]) -> list[Nomination]:
    """The submitted nominations among `ids` (what a bulk qualification may act on)."""
    return list(
        db.session.scalars(
            sa.select(Nomination).where(
                Nomination.id.in_(ids), Nomination.state == NominationState.SUBMITTED
            )
        )
    )


@dataclass
class RegistryCandidate:
    """A registry record staff may compare with a nomination, and why it is shown."""

    honoree: Honoree
    reasons: list[str] = field(default_factory=list)


def registry_candidates(nomination: Nomination, compare_slug: str = "") -> list[RegistryCandidate]:
    """Records that may be this candidate, for the side-by-side view in vetting: the linked
    one, the one with the same ID number, the nominator's hint, namesakes (born the same
    day, for a person) and a record staff typed in (`compare_slug`); the linked one first."""
    compare_slug = compare_slug.strip()[:80]
    namesake = sa.and_(Honoree.name == nomination.name, Honoree.kind == nomination.kind)
    if nomination.kind is HonoreeKind.INDIVIDUAL:
        namesake = sa.and_(namesake, Honoree.birth_date == nomination.birth_date)
    clauses = [
        Honoree.id == nomination.honoree_id if nomination.honoree_id else None,
        Honoree.id_number_hash == nomination.id_number_hash if nomination.id_number_hash else None,
        Honoree.id == nomination.suggested_honoree_id if nomination.suggested_honoree_id else None,
        namesake if nomination.name else None,
        Honoree.slug == compare_slug if compare_slug else None,
    ]
    clauses = [clause for clause in clauses if clause is not None]
    if not clauses:
        return []
    records = db.session.scalars(
        sa.select(Honoree)
        .where(sa.or_(*clauses))
        .options(
            joinedload(Honoree.district),
            selectinload(Honoree.honors).joinedload(Honor.program),
        )
        .order_by(Honoree.id)
        .limit(20)
    ).unique()
    candidates = [RegistryCandidate(r, _reasons(r, nomination, compare_slug)) for r in records]
    return sorted(candidates, key=lambda c: "linked" not in c.reasons)


def _reasons(record: Honoree, nomination: Nomination, compare_slug: str) -> list[str]:
    same_id = bool(nomination.id_number_hash) and (
        record.id_number_hash == nomination.id_number_hash
    )
    checks = [
        ("linked", record.id == nomination.honoree_id),
        ("id_number", same_id),
        ("suggested", record.id == nomination.suggested_honoree_id),
        ("namesake", record.name == nomination.name),
        ("compare", bool(compare_slug) and record.slug == compare_slug),
    ]
    return [reason for reason, ok in checks if ok]
