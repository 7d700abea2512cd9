"""Who may see, edit and vet which nomination (SPEC §12): pure predicates."""

from __future__ import annotations

from typing import Any

from app.accounts.models import Role
from app.accounts.permissions import can_nominate, can_use_staff_area
from app.nominations.workflow import (
    CHECKLIST_PHASES,
    CHECKLIST_STATES,
    EDITABLE,
    REGISTRY_LINKABLE,
    STAFF_DECISIONS,
    NominationState,
)


def _own_org(user: Any, nomination: Any) -> bool:
    return can_nominate(user) and user.organisation_id == nomination.organisation_id


def can_view_nomination(user: Any, nomination: Any) -> bool:
    return can_use_staff_area(user) or _own_org(user, nomination)


def can_edit_nomination(user: Any, nomination: Any) -> bool:
    return _own_org(user, nomination) and nomination.state in EDITABLE


def can_withdraw_nomination(user: Any, nomination: Any) -> bool:
    return _own_org(user, nomination) and nomination.state.value in {
        "draft",
        "submitted",
        "returned",
    }


def can_vet(user: Any) -> bool:
    return can_use_staff_area(user)


def can_decide(user: Any, nomination: Any, target: str) -> bool:
    """Staff may move this nomination to `target` now: its state and its cycle's phase allow
    it (the services check the same table; pages show only the buttons that will work)."""
    states, phases = STAFF_DECISIONS[NominationState(target)]
    return can_vet(user) and nomination.state in states and nomination.cycle.state in phases


def can_record_check(user: Any, nomination: Any) -> bool:
    return (
        can_vet(user)
        and nomination.state in CHECKLIST_STATES
        and nomination.cycle.state in CHECKLIST_PHASES
    )


def can_link_registry_record(user: Any, nomination: Any) -> bool:
    """Only staff say which registry record a candidate is; the nominator may only hint."""
    return can_vet(user) and nomination.state in REGISTRY_LINKABLE


def can_export_id_numbers(user: Any) -> bool:
    """Full ID numbers leave the system only with secretariat staff, on an explicit option."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(Role.STAFF)
    )


def can_use_workspace(user: Any) -> bool:
    return can_nominate(user) or can_use_staff_area(user)
