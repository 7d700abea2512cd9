"""Account use cases: login under the throttle, password change, user administration. The
reads of the admin pages and `honors init`: accounts/queries.py."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.accounts import passwords, throttle
from app.accounts.models import Role, User, UserRole
from app.audit.services import record_event
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db

if TYPE_CHECKING:  # the organisation tree sits above accounts (README "Layout")
    from app.orgs.models import Organisation

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD_LENGTH = 10


class AccountError(RefusedError):
    """A refused account change."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    # Seconds before this name may be tried again from this address (None: no wait).
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class LoginTicket:
    """A login attempt admitted by the throttle (wait == 0) or refused (wait > 0)."""

    name: str
    address: str
    wait: int


def normalize_username(username: str) -> str:
    return username.strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == normalize_username(username)))


def start_login(
    username: str, *, ip: str, policy: throttle.ThrottlePolicy, now: datetime | None = None
) -> LoginTicket:
    """Ask the throttle; an admitted attempt is recorded as a failure before the slow check.

    The caller commits before finish_login(): concurrent attempts then see this one at once,
    instead of all passing while the password hashes are being checked.
    """
    now = now or utcnow()
    name = normalize_username(username)[:40]
    address = throttle.address_key(ip)
    wait = throttle.seconds_to_wait(name, address, policy=policy, now=now)
    if wait == 0:
        throttle.record_failure(name, address, policy=policy, now=now)
    return LoginTicket(name, address, wait)


def finish_login(
    ticket: LoginTicket,
    password: str,
    *,
    policy: throttle.ThrottlePolicy,
    now: datetime | None = None,
) -> LoginResult:
    """Check the password of a ticket; the caller commits either way.

    Every call runs exactly one password hash verification (against a dummy hash for an
    unknown or inactive name, or while throttled) and the throttle is keyed by the typed
    name, so answers and their timing do not tell existing accounts from unknown ones.
    """
    now = now or utcnow()
    user = find_user(ticket.name)
    if ticket.wait > 0:
        passwords.verify_password(None, password)
        return LoginResult(retry_after=ticket.wait)
    usable = user is not None and user.is_active
    if passwords.verify_password(user.password_hash if usable else None, password) and usable:
        throttle.clear_failures(ticket.name, ticket.address)
        user.last_login_at = now
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        db.session.flush()
        return LoginResult(user=user)
    wait = throttle.seconds_to_wait(ticket.name, ticket.address, policy=policy, now=now)
    return LoginResult(retry_after=wait or None)


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to the user (logout, password change...)."""
    user.session_version += 1
    db.session.flush()


def _check_password_strength(password: str, field: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("Password too short: at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field
        )


def throttled_message(seconds: int) -> LazyString:
    """The one answer for a throttled name or address, whoever owns the name."""
    if seconds < 120:
        return _l("Too many failed logins: try again in %(n)d seconds.", n=seconds)
    return _l("Too many failed logins: try again in %(n)d minutes.", n=math.ceil(seconds / 60))


def change_password(
    user: User,
    current: str,
    new: str,
    *,
    ip: str,
    policy: throttle.ThrottlePolicy,
    now: datetime | None = None,
) -> None:
    """Change one's own password; wrong current passwords count as login failures."""
    now = now or utcnow()
    address = throttle.address_key(ip)
    wait = throttle.seconds_to_wait(user.username, address, policy=policy, now=now)
    if wait > 0:
        raise AccountError(throttled_message(wait), "current_password")
    if not passwords.verify_password(user.password_hash, current):
        wait = throttle.record_failure(user.username, address, policy=policy, now=now)
        if wait > 0:
            raise AccountError(throttled_message(wait), "current_password")
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
        "has_email": bool(user.email),
    }


def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    organisation: Organisation | None = None,
    email: str | None = None,
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
        email=(email or "").strip() or None,
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
    email: str | None = None,
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
    user.email = (email or "").strip() or None
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
