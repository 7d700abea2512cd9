"""Account use cases: login with lockout, password change, user administration."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.accounts import passwords
from app.accounts.models import LoginFailure, Role, User, UserRole
from app.audit.services import record_event
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.orgs.models import Organisation

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD_LENGTH = 10


class AccountError(RefusedError):
    """A refused account change."""


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int = 5
    window: timedelta = timedelta(minutes=15)
    duration: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def normalize_username(username: str) -> str:
    return username.strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == normalize_username(username)))


def authenticate(
    username: str, password: str, *, policy: LockoutPolicy, now: datetime | None = None
) -> LoginResult:
    """Check a password, counting failures per account; the caller commits either way."""
    now = now or utcnow()
    user = find_user(username)
    if user is None or not user.is_active:
        passwords.verify_password(None, password)
        return LoginResult()
    if user.locked_until is not None and user.locked_until > now:
        return LoginResult(locked_until=user.locked_until)
    if passwords.verify_password(user.password_hash, password):
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.user_id == user.id))
        user.locked_until = None
        user.last_login_at = now
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        db.session.flush()
        return LoginResult(user=user)
    db.session.add(LoginFailure(user_id=user.id, at=now))
    db.session.flush()
    recent = db.session.scalar(
        sa.select(sa.func.count(LoginFailure.id)).where(
            LoginFailure.user_id == user.id, LoginFailure.at > now - policy.window
        )
    )
    if recent >= policy.threshold:
        user.locked_until = now + policy.duration
        record_event("account.locked", obj=user, after={"failures": recent})
        return LoginResult(locked_until=user.locked_until)
    return LoginResult()


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to the user (logout, password change...)."""
    user.session_version += 1
    db.session.flush()


def _check_password_strength(password: str, field: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("Password too short: at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field
        )


def change_password(user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError(_l("The current password is wrong."), "current_password")
    _check_password_strength(new, "new_password")
    if passwords.verify_password(user.password_hash, new):
        raise AccountError(_l("The new password must differ from the current one."), "new_password")
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    end_sessions(user)
    record_event("account.password_changed", actor=user, obj=user)


def _validate_roles(roles: Iterable[Role], organisation: Organisation | None) -> set[Role]:
    roles = set(roles)
    if not roles:
        raise AccountError(_l("Choose at least one role."), "roles")
    if Role.NOMINATOR in roles and organisation is None:
        raise AccountError(_l("A nominator must belong to an organisation."), "organisation_id")
    return roles


def _snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "organisation_id": user.organisation_id,
        "is_active": user.is_active,
    }


def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    organisation: Organisation | None = None,
    actor: User | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account. `password_hash` lets fixtures and the demo skip re-hashing."""
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError(
            _l("3–40 characters: lower-case letters, digits, dot, dash or underscore."), "username"
        )
    if find_user(username) is not None:
        raise AccountError(_l("This username is taken."), "username")
    if password_hash is None:
        _check_password_strength(password, "password")
        password_hash = passwords.hash_password(password)
    role_set = _validate_roles(roles, organisation)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=password_hash,
        organisation=organisation,
        role_rows=[UserRole(role=role) for role in sorted(role_set)],
    )
    db.session.add(user)
    db.session.flush()
    record_event("account.created", actor=actor, obj=user, after=_snapshot(user))
    return user


def update_user(
    user: User,
    *,
    display_name: str,
    roles: Iterable[Role],
    organisation: Organisation | None,
    is_active: bool,
    new_password: str | None = None,
    actor: User,
    now: datetime | None = None,
) -> None:
    """Change an account's name, roles, organisation, active flag or password.

    A password set by someone else is known to them: the next login must replace it, and
    what the member stored before the reset (a ballot) is not shown to that login."""
    before = _snapshot(user)
    role_set = _validate_roles(roles, organisation)
    if user.id == actor.id and (Role.ADMIN not in role_set or not is_active):
        raise AccountError(_l("You cannot remove your own administrator access."), "roles")
    user.display_name = display_name.strip() or user.username
    user.organisation = organisation
    current = {row.role: row for row in user.role_rows}
    for role in set(current) - role_set:
        user.role_rows.remove(current[role])
    for role in sorted(role_set - set(current)):
        user.role_rows.append(UserRole(role=role))
    reset = bool(new_password)
    if new_password:
        _check_password_strength(new_password, "new_password")
        user.password_hash = passwords.hash_password(new_password)
        if user.id != actor.id:
            user.must_change_password = True
            user.password_reset_at = now or utcnow()
    if reset or (user.is_active and not is_active) or before["roles"] != sorted(role_set):
        end_sessions(user)
    user.is_active = is_active
    db.session.flush()
    after = _snapshot(user) | ({"password_reset": reset} if reset else {})
    record_event("account.updated", actor=actor, obj=user, before=before, after=after)


def list_users() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).options(joinedload(User.organisation)).order_by(User.username)
        )
    )
