"""Read-only selects over organisations: the tree order, its paginated list, select boxes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.accounts.models import User
from app.db_types import like_pattern
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


def tree_positions() -> tuple[dict[int, int], dict[int, int]]:
    """(position in a depth-first walk, depth) of every organisation, children by code.

    One light query (id, parent, code): the tree order cannot be an ORDER BY."""
    children: dict[int | None, list[tuple[str, int]]] = {}
    for org_id, parent_id, code in db.session.execute(
        sa.select(Organisation.id, Organisation.parent_id, Organisation.code)
    ):
        children.setdefault(parent_id, []).append((code, org_id))
    position: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack = [(org_id, 0) for _code, org_id in sorted(children.get(None, []), reverse=True)]
    while stack:
        org_id, level = stack.pop()
        position[org_id], depth[org_id] = len(position), level
        stack.extend(
            (child, level + 1) for _c, child in sorted(children.get(org_id, []), reverse=True)
        )
    return position, depth


def organisation_choices(blank_label: str, *, active_only: bool = False) -> list[SelectChoice]:
    """(id, indented name) pairs in tree order for select boxes, with a blank first entry."""
    position, depth = tree_positions()
    stmt = sa.select(Organisation.id, Organisation.name, Organisation.code)
    if active_only:
        stmt = stmt.where(Organisation.is_active.is_(True))
    rows = sorted(db.session.execute(stmt), key=lambda row: position.get(row.id, 0))
    choices = [SelectChoice("", blank_label)]
    choices += [
        SelectChoice(str(row.id), "\u3000" * depth.get(row.id, 0) + f"{row.name}（{row.code}）")
        for row in rows
    ]
    return choices


@dataclass
class TreeRow:
    org: Organisation
    depth: int
    accounts: int


@dataclass
class TreePage:
    rows: list[TreeRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def tree_page(
    *,
    q: str = "",
    kind: OrgKind | None = None,
    district_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> TreePage:
    """One page of the organisations matching the filters, in tree order, indented by
    depth, with their active account counts: four queries whatever the size."""
    position, depth = tree_positions()
    stmt = sa.select(Organisation.id)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(
            sa.or_(
                Organisation.name.like(pattern, escape="\\"),
                Organisation.code.like(pattern.lower(), escape="\\"),
            )
        )
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    if district_id is not None:
        stmt = stmt.where(Organisation.district_id == district_id)
    ids = sorted(db.session.scalars(stmt), key=lambda i: position.get(i, 0))
    start = (page - 1) * per_page
    page_ids = ids[start : start + per_page]
    orgs = {
        o.id: o
        for o in db.session.scalars(
            sa.select(Organisation)
            .options(joinedload(Organisation.parent), joinedload(Organisation.district))
            .where(Organisation.id.in_(page_ids))
        )
    }
    counts = dict(
        db.session.execute(
            sa.select(User.organisation_id, sa.func.count(User.id))
            .where(User.organisation_id.in_(page_ids), User.is_active.is_(True))
            .group_by(User.organisation_id)
        ).all()
    )
    rows = [TreeRow(orgs[i], depth.get(i, 0), counts.get(i, 0)) for i in page_ids]
    return TreePage(rows, page, per_page, len(ids))


def unit_accounts(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == org.id).order_by(User.username)
        )
    )
