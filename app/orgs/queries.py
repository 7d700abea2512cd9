"""Read-only selects over organisations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.extensions import db
from app.orgs.models import Organisation, OrgKind


def all_organisations() -> list[Organisation]:
    """Every organisation, parents loaded, ordered as a tree would read (by code)."""
    stmt = (
        sa.select(Organisation).options(joinedload(Organisation.parent)).order_by(Organisation.code)
    )
    return list(db.session.scalars(stmt))


def districts() -> list[Organisation]:
    stmt = (
        sa.select(Organisation)
        .where(Organisation.kind == OrgKind.DISTRICT)
        .order_by(Organisation.code)
    )
    return list(db.session.scalars(stmt))


def organisation_choices(blank_label: str) -> list[SelectChoice]:
    """(id, indented name) pairs for select boxes, with a blank first entry."""
    orgs = all_organisations()
    depth = {}
    for org in orgs:
        depth[org.id] = 0 if org.parent_id is None else depth.get(org.parent_id, 0) + 1
    choices = [SelectChoice("", blank_label)]
    choices += [SelectChoice(str(org.id), "\u3000" * depth[org.id] + org.name) for org in orgs]
    return choices
