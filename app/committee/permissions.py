"""Committee predicates: members vote, the chair sees results and decides ties."""

from __future__ import annotations

from typing import Any

from app.accounts.permissions import can_use_staff_area, can_vote


def can_cast_ballot(user: Any, member: Any) -> bool:
    return can_vote(user) and member is not None


def can_see_results(user: Any, member: Any) -> bool:
    """Staff, and the committee's chair; never other members before publication."""
    return can_use_staff_area(user) or (can_vote(user) and member is not None and member.is_chair)


def can_read_ballot(user: Any, ballot: Any) -> bool:
    """A member's own stored ballot is shown back to them, unless it predates an admin's
    password reset: whoever logged in with the reset password may not be the member."""
    reset_at = getattr(user, "password_reset_at", None)
    return reset_at is None or ballot.submitted_at > reset_at


def can_manage_committee(user: Any) -> bool:
    return can_use_staff_area(user)
