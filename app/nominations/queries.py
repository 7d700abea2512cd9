"""Read-only selects for the nominator workspace and the vetting queue."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.db_types import like_pattern
from app.extensions import db
from app.nominations.models import Channel, Nomination
from app.nominations.workflow import NominationState
from app.orgs.models import Organisation, OrgKind
from app.programs.models import Cycle
from app.registry.models import Honor, Honoree, HonoreeKind


def for_organisation(organisation_id: int) -> list[Nomination]:
    stmt = (
        sa.select(Nomination)
        .where(Nomination.organisation_id == organisation_id)
        .options(
            joinedload(Nomination.cycle).joinedload(Cycle.program),
            joinedload(Nomination.category),
        )
        .order_by(Nomination.updated_at.desc(), Nomination.id.desc())
    )
    return list(db.session.scalars(stmt))


def full(nomination_id: int) -> Nomination | None:
    """One nomination with everything its pages show, in a few queries."""
    stmt = (
        sa.select(Nomination)
        .where(Nomination.id == nomination_id)
        .options(
            joinedload(Nomination.cycle).joinedload(Cycle.program),
            joinedload(Nomination.category),
            joinedload(Nomination.organisation),
            joinedload(Nomination.location),
            joinedload(Nomination.district),
            joinedload(Nomination.honoree),
            joinedload(Nomination.suggested_honoree),
            selectinload(Nomination.members),
            selectinload(Nomination.photos),
            selectinload(Nomination.attachments),
            selectinload(Nomination.checks),
            selectinload(Nomination.notes),
            selectinload(Nomination.events),
        )
    )
    return db.session.scalars(stmt).first()


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


def place_choices() -> list[tuple[int, str]]:
    """Districts, townships and communities as indented (id, label) pairs."""
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.kind.in_([OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY]))
        .order_by(Organisation.code)
    ).all()
    depth = {OrgKind.DISTRICT: 0, OrgKind.TOWNSHIP: 1, OrgKind.COMMUNITY: 2}
    return [(org.id, "\u3000" * depth[org.kind] + org.name) for org in orgs]


def search_registry(term: str, limit: int = 20) -> list[Honoree]:
    """Records on the public roll by name or number (callers show public fields only)."""
    term = term.strip()[:50]
    if not term:
        return []
    pattern = like_pattern(term)
    stmt = (
        sa.select(Honoree)
        .options(joinedload(Honoree.district))
        .where(
            sa.or_(Honoree.name.like(pattern, escape="\\"), Honoree.slug == term),
            Honoree.is_public,
        )
        .order_by(Honoree.name, Honoree.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


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


def nomination_counts(cycle_ids: list[int]) -> dict[int, dict[str, int]]:
    """Nominations per state for each cycle, in one grouped query."""
    if not cycle_ids:
        return {}
    rows = db.session.execute(
        sa.select(Nomination.cycle_id, Nomination.state, sa.func.count())
        .where(Nomination.cycle_id.in_(cycle_ids))
        .group_by(Nomination.cycle_id, Nomination.state)
    )
    counts: dict[int, dict[str, int]] = {}
    for cycle_id, state, n in rows:
        counts.setdefault(cycle_id, {})[state] = n
    return counts
