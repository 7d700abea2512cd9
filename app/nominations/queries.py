"""Read-only selects for the nominator workspace, shared loads and the staff counts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.db_types import like_pattern
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.orgs.models import Organisation, OrgKind
from app.programs.models import Cycle
from app.registry.models import Honoree


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


def public_candidates(cycle: Cycle, state: NominationState) -> list[Nomination]:
    """A cycle's nominations in `state` with what the public lists show (category, district,
    photos), by category then id: the public review's and the notice's candidates."""
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .options(
                joinedload(Nomination.category),
                joinedload(Nomination.district),
                selectinload(Nomination.photos),
            )
            .where(Nomination.cycle_id == cycle.id, Nomination.state == state)
            .order_by(Nomination.category_id, Nomination.id)
        )
    )


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
