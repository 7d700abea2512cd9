"""Organisation use cases."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.exceptions import RefusedError
from app.extensions import db
from app.orgs.models import ALLOWED_PARENTS, Organisation, OrgKind

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class OrganisationError(RefusedError):
    """An organisation change the tree or the codes refuse."""


def create_organisation(
    *,
    code: str,
    name: str,
    kind: OrgKind,
    parent: Organisation | None,
    actor: object = None,
) -> Organisation:
    """Add an organisation under a parent whose kind fits the tree (SPEC: 市→区县→乡镇→村社区)."""
    code = code.strip().lower()
    if not CODE_RE.match(code):
        raise OrganisationError(
            _l("2–40 characters: lower-case letters, digits or dashes."), "code"
        )
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code)):
        raise OrganisationError(_l("This code is taken."), "code")
    allowed = ALLOWED_PARENTS[kind]
    if (parent is None) != (not allowed) or (parent is not None and parent.kind not in allowed):
        raise OrganisationError(
            _l("This kind of organisation cannot be placed there."), "parent_id"
        )
    name = name.strip()
    if parent is not None and db.session.scalar(
        sa.select(Organisation.id).where(
            Organisation.parent_id == parent.id, Organisation.name == name
        )
    ):
        raise OrganisationError(_l("The parent already has an organisation of this name."), "name")
    district = None
    if kind is OrgKind.DISTRICT:
        district = None  # set to itself after flush
    elif parent is not None:
        district = parent if parent.kind is OrgKind.DISTRICT else parent.district
    org = Organisation(code=code, name=name, kind=kind, parent=parent, district=district)
    db.session.add(org)
    db.session.flush()
    if kind is OrgKind.DISTRICT:
        org.district_id = org.id
        db.session.flush()
    record_event(
        "organisation.created",
        actor=actor,
        obj=org,
        after={"code": code, "name": name, "kind": kind.value, "parent_id": org.parent_id},
    )
    return org
