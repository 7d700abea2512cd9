"""Pure permission predicates shared by views, templates (`can.*`) and tests (SPEC §12)."""

from __future__ import annotations

from typing import Any

from app.accounts.models import Role


def _has(user: Any, *roles: Role) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(*roles)
    )


def can_manage_accounts(user: Any) -> bool:
    return _has(user, Role.ADMIN)


def can_use_staff_area(user: Any) -> bool:
    return _has(user, Role.STAFF, Role.ADMIN)


def can_nominate(user: Any) -> bool:
    """A nominator of an active unit: a deactivated unit keeps its history but adds nothing."""
    return (
        _has(user, Role.NOMINATOR)
        and user.organisation_id is not None
        and user.organisation.is_active
    )


def can_vote(user: Any) -> bool:
    return _has(user, Role.COMMITTEE)


def can_view_audit(user: Any) -> bool:
    return _has(user, Role.STAFF, Role.ADMIN)


PREDICATES = {
    "manage_accounts": can_manage_accounts,
    "use_staff_area": can_use_staff_area,
    "nominate": can_nominate,
    "vote": can_vote,
    "view_audit": can_view_audit,
}
