"""Organisation use cases: create, edit, move, deactivate/reactivate, initial passwords.

The import of a whole tree (and its accounts) from a workbook is in imports.py; it writes
through apply_import() below. Every function flushes and audits; the caller commits.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts import passwords
from app.accounts.models import Role, User, UserRole
from app.audit.services import record_event
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.orgs.models import ALLOWED_PARENTS, Organisation, OrgKind

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
# Readable one-time passwords: no 0/O, 1/l/I, which people misread on paper.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105  # nosec B105 - an alphabet, not a password
PASSWORD_GROUPS = 3  # xxxx-xxxx-xxxx: 12 random symbols, about 70 bits


class OrganisationError(RefusedError):
    """An organisation change the tree or the codes refuse."""


@dataclass(frozen=True)
class IssuedPassword:
    """A one-time password, for the printed sheet only: it is never stored in plain."""

    organisation: Organisation
    user: User
    password: str


def normalize_code(code: str) -> str:
    return code.strip().lower()


def _check_code(code: str, *, own_id: int | None = None) -> str:
    code = normalize_code(code)
    if not CODE_RE.match(code):
        raise OrganisationError(
            _l("2–40 characters: lower-case letters, digits or dashes."), "code"
        )
    taken = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == code))
    if taken is not None and taken != own_id:
        raise OrganisationError(_l("This code is taken."), "code")
    return code


def _check_name(name: str, parent: Organisation | None, *, own_id: int | None = None) -> str:
    name = name.strip()
    if parent is not None:
        taken = db.session.scalar(
            sa.select(Organisation.id).where(
                Organisation.parent_id == parent.id, Organisation.name == name
            )
        )
        if taken is not None and taken != own_id:
            raise OrganisationError(
                _l("The parent already has an organisation of this name."), "name"
            )
    return name


def _check_parent(kind: OrgKind, parent: Organisation | None, field: str = "parent_id") -> None:
    allowed = ALLOWED_PARENTS[kind]
    if (parent is None) != (not allowed) or (parent is not None and parent.kind not in allowed):
        raise OrganisationError(_l("This kind of organisation cannot be placed there."), field)
    if parent is not None and not parent.is_active:
        raise OrganisationError(_l("This organisation is deactivated."), field)


def district_for(kind: OrgKind, parent: Organisation | None) -> Organisation | None:
    """The district an organisation of `kind` under `parent` lies in (None for a district:
    it is its own, set once it has an id)."""
    if kind is OrgKind.DISTRICT or parent is None:
        return None
    return parent if parent.kind is OrgKind.DISTRICT else parent.district


def create_organisation(
    *,
    code: str,
    name: str,
    kind: OrgKind,
    parent: Organisation | None,
    actor: object = None,
) -> Organisation:
    """Add an organisation under a parent whose kind fits the tree (SPEC: 市→区县→乡镇→村社区)."""
    code = _check_code(code)
    _check_parent(kind, parent)
    name = _check_name(name, parent)
    org = Organisation(
        code=code, name=name, kind=kind, parent=parent, district=district_for(kind, parent)
    )
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


def update_organisation(org: Organisation, *, code: str, name: str, actor: object) -> None:
    """Rename an organisation or change its code (history keeps pointing at the same row)."""
    before = {"code": org.code, "name": org.name}
    code = _check_code(code, own_id=org.id)
    name = _check_name(name, org.parent, own_id=org.id)
    if (code, name) == (org.code, org.name):
        return
    org.code, org.name = code, name
    db.session.flush()
    record_event(
        "organisation.updated",
        actor=actor,
        obj=org,
        before=before,
        after={"code": code, "name": name},
    )


def _children_map() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for org_id, parent_id in db.session.execute(sa.select(Organisation.id, Organisation.parent_id)):
        children.setdefault(parent_id, []).append(org_id)
    return children


def _subtree_ids(root_id: int, children: dict[int | None, list[int]]) -> list[int]:
    ids, stack = [], [root_id]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, ()))
    return ids


def refresh_districts(orgs: Iterable[Organisation]) -> int:
    """Recompute district_id of `orgs` (parents loaded) from their parents; count changes.

    `orgs` must list every parent before its children (a tree walk), so each child reads
    its parent's fresh value."""
    changed = 0
    for org in orgs:
        if org.kind is OrgKind.DISTRICT:
            district_id = org.id
        elif org.parent is None:
            district_id = None
        elif org.parent.kind is OrgKind.DISTRICT:
            district_id = org.parent.id
        else:
            district_id = org.parent.district_id
        if org.district_id != district_id:
            org.district_id = district_id
            changed += 1
    return changed


def move_organisation(org: Organisation, *, parent: Organisation | None, actor: object) -> None:
    """Put `org` (and its whole subtree) under another parent; district_id follows."""
    if parent is not None and parent.id == org.parent_id:
        return
    children = _children_map()
    subtree = _subtree_ids(org.id, children)
    if parent is not None and parent.id in subtree:
        raise OrganisationError(
            _l("An organisation cannot be moved under itself or one of its own units."),
            "parent_id",
        )
    _check_parent(org.kind, parent)
    _check_name(org.name, parent, own_id=org.id)
    before = {"parent_id": org.parent_id, "district_id": org.district_id}
    org.parent = parent
    # One query for the subtree, walked parents first so each reads its parent's district.
    loaded = {
        o.id: o
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(subtree)))
    }
    refresh_districts(loaded[i] for i in subtree)
    db.session.flush()
    record_event(
        "organisation.moved",
        actor=actor,
        obj=org,
        before=before,
        after={"parent_id": org.parent_id, "district_id": org.district_id},
    )


def deactivate_organisation(org: Organisation, *, actor: object) -> int:
    """Deactivate a unit and its nominator accounts; its history (nominations, honors)
    keeps pointing at it. Refused while it has active units under it. Returns the number
    of accounts deactivated."""
    if not org.is_active:
        return 0
    active_child = db.session.scalar(
        sa.select(Organisation.id).where(
            Organisation.parent_id == org.id, Organisation.is_active.is_(True)
        )
    )
    if active_child is not None:
        raise OrganisationError(
            _l("Deactivate or move the active units under it first."), "is_active"
        )
    org.is_active = False
    users = db.session.scalars(
        sa.select(User).where(
            User.organisation_id == org.id,
            User.is_active.is_(True),
            User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role.NOMINATOR)),
        )
    ).all()
    for user in users:
        user.is_active = False
        user.session_version += 1  # logs the account out everywhere
    db.session.flush()
    record_event("organisation.deactivated", actor=actor, obj=org)
    for user in users:
        record_event(
            "account.updated",
            actor=actor,
            obj=user,
            before={"is_active": True},
            after={"is_active": False},
            reason="organisation deactivated",
        )
    return len(users)


def reactivate_organisation(org: Organisation, *, actor: object) -> None:
    """Make a unit usable again. Its accounts stay deactivated: an administrator reopens
    each one (or staff issue new initial passwords to new accounts)."""
    if org.is_active:
        return
    if org.parent is not None and not org.parent.is_active:
        raise OrganisationError(_l("Reactivate the parent organisation first."), "is_active")
    org.is_active = True
    db.session.flush()
    record_event("organisation.reactivated", actor=actor, obj=org)


def new_initial_password() -> str:
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def set_initial_password(user: User, *, now: datetime) -> str:
    """Give `user` a fresh one-time password that the first login must replace."""
    password = new_initial_password()
    user.password_hash = passwords.hash_one_time_password(password)
    user.must_change_password = True
    user.password_reset_at = now
    user.session_version += 1
    return password


def never_logged_in(org: Organisation) -> list[User]:
    """The unit's active accounts that have not logged in yet, by username."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id == org.id,
                User.is_active.is_(True),
                User.last_login_at.is_(None),
            )
            .order_by(User.username)
        )
    )


def issue_initial_passwords(
    org: Organisation, *, actor: object, now: datetime | None = None
) -> list[IssuedPassword]:
    """New one-time passwords for the unit's accounts that have not logged in yet; audited
    without the passwords, which the caller shows once."""
    now = now or utcnow()
    if not org.is_active:
        raise OrganisationError(_l("This organisation is deactivated."))
    issued = []
    for user in never_logged_in(org):
        issued.append(IssuedPassword(org, user, set_initial_password(user, now=now)))
    db.session.flush()
    for item in issued:
        record_event(
            "account.initial_password_issued", actor=actor, obj=item.user, after={"org": org.code}
        )
    return issued


def _tree_order(orgs: Iterable[Organisation]) -> list[Organisation]:
    """Every organisation, parents before children (as the objects now link them)."""
    children: dict[int, list[Organisation]] = {}
    roots = []
    for org in orgs:
        if org.parent is None:
            roots.append(org)
        else:
            children.setdefault(id(org.parent), []).append(org)
    order, stack = [], roots
    while stack:
        org = stack.pop()
        order.append(org)
        stack.extend(children.get(id(org), ()))
    return order


def apply_import(plan, *, actor: object, now: datetime | None = None) -> list[IssuedPassword]:
    """Write an error-free ImportPlan (imports.plan_import) made in this session: create and
    update organisations and nominator accounts, give each new account a one-time password.

    One summary audit event lists what changed (never a password). Returns the passwords,
    for the caller to show once."""
    if not plan.ok:
        raise OrganisationError(_l("The file has errors: nothing was imported."))
    now = now or utcnow()
    orgs: dict[str, Organisation] = dict(plan.existing_orgs)
    # Units renamed or moved first take a name no other unit has, so that the file may swap
    # two siblings' names (the database checks a parent's names are unique at each row).
    for row, _changes in plan.orgs_updated:
        orgs[row.code].name = f"\u2060{orgs[row.code].id}"
    db.session.flush()
    for row in plan.orgs_created:
        orgs[row.code] = Organisation(code=row.code, name=row.name, kind=row.kind)
        db.session.add(orgs[row.code])
    for row in plan.orgs_created:
        orgs[row.code].parent = orgs.get(row.parent_code)
    for row, _changes in plan.orgs_updated:
        org = orgs[row.code]
        org.name = row.name
        org.parent = orgs.get(row.parent_code)
    db.session.flush()
    refresh_districts(_tree_order(orgs.values()))
    issued = []
    for row in plan.accounts_created:
        user = User(
            username=row.username,
            display_name=row.display_name,
            email=row.email or None,
            phone=row.phone or None,
            organisation=orgs[row.org_code],
            role_rows=[UserRole(role=Role.NOMINATOR)],
            session_version=1,
        )
        issued.append(IssuedPassword(user.organisation, user, set_initial_password(user, now=now)))
        db.session.add(user)
    for row, _changes in plan.accounts_updated:
        user = plan.existing_users[row.username]
        user.display_name = row.display_name
        user.organisation = orgs[row.org_code]
        user.email = row.email or user.email
        user.phone = row.phone or user.phone
    db.session.flush()
    record_event(
        "organisations.imported",
        actor=actor,
        object_type="organisations",
        after={
            "orgs_created": [r.code for r in plan.orgs_created],
            "orgs_updated": {r.code: sorted(c) for r, c in plan.orgs_updated},
            "accounts_created": [r.username for r in plan.accounts_created],
            "accounts_updated": {r.username: sorted(c) for r, c in plan.accounts_updated},
        },
    )
    issued.sort(key=lambda item: (item.organisation.code, item.user.username))
    return issued
