"""Nomination states (SPEC §4) and who may move a nomination where: pure, no database."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from app.core.labels import LabelledEnum
from app.programs.workflow import CyclePhase


class NominationState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    QUALIFIED = "qualified"
    NOT_QUALIFIED = "not_qualified"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"  # shortlisted, outside the winners (may replace one later)
    IN_NOTICE = "in_notice"
    HONORED = "honored"
    WITHDRAWN = "withdrawn"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.DRAFT: _l("draft"),
            cls.SUBMITTED: _l("submitted"),
            cls.RETURNED: _l("returned for changes"),
            cls.QUALIFIED: _l("qualified"),
            cls.NOT_QUALIFIED: _l("not qualified"),
            cls.SHORTLISTED: _l("shortlisted"),
            cls.SELECTED: _l("selected"),
            cls.NOT_SELECTED: _l("not selected"),
            cls.IN_NOTICE: _l("in public notice"),
            cls.HONORED: _l("honored"),
            cls.WITHDRAWN: _l("withdrawn"),
        }


class Actor(enum.StrEnum):
    NOMINATOR = "nominator"
    STAFF = "staff"
    SYSTEM = "system"  # committee results, notice and publication steps of later phases


S = NominationState
TRANSITIONS: dict[tuple[NominationState, NominationState], frozenset[Actor]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({Actor.NOMINATOR, Actor.STAFF}),
    (S.DRAFT, S.WITHDRAWN): frozenset({Actor.NOMINATOR, Actor.STAFF}),
    (S.SUBMITTED, S.RETURNED): frozenset({Actor.STAFF}),
    (S.SUBMITTED, S.QUALIFIED): frozenset({Actor.STAFF}),
    (S.SUBMITTED, S.NOT_QUALIFIED): frozenset({Actor.STAFF}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({Actor.NOMINATOR, Actor.STAFF}),
    (S.RETURNED, S.SUBMITTED): frozenset({Actor.NOMINATOR, Actor.STAFF}),
    (S.RETURNED, S.WITHDRAWN): frozenset({Actor.NOMINATOR, Actor.STAFF}),
    (S.QUALIFIED, S.SHORTLISTED): frozenset({Actor.STAFF, Actor.SYSTEM}),
    (S.QUALIFIED, S.NOT_QUALIFIED): frozenset({Actor.STAFF}),
    (S.QUALIFIED, S.WITHDRAWN): frozenset({Actor.STAFF}),
    (S.SHORTLISTED, S.SELECTED): frozenset({Actor.SYSTEM}),
    (S.SHORTLISTED, S.NOT_SELECTED): frozenset({Actor.SYSTEM}),
    (S.SHORTLISTED, S.WITHDRAWN): frozenset({Actor.STAFF}),
    (S.NOT_SELECTED, S.SELECTED): frozenset({Actor.SYSTEM}),
    (S.SELECTED, S.IN_NOTICE): frozenset({Actor.SYSTEM}),
    (S.SELECTED, S.WITHDRAWN): frozenset({Actor.STAFF}),
    (S.IN_NOTICE, S.HONORED): frozenset({Actor.SYSTEM}),
    (S.IN_NOTICE, S.WITHDRAWN): frozenset({Actor.STAFF}),
}

# Moves that must carry a reason (shown to the nominator and kept in the audit).
REASON_REQUIRED = frozenset({S.RETURNED, S.NOT_QUALIFIED, S.WITHDRAWN})
# States the nominator may still edit.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# States that count as "an active nomination" for the one-per-person-per-cycle rule.
ACTIVE = frozenset(
    {S.SUBMITTED, S.RETURNED, S.QUALIFIED, S.SHORTLISTED, S.SELECTED, S.IN_NOTICE, S.HONORED}
)

# Staff vetting (SPEC §4) happens while the cycle takes or vets nominations; a candidate can
# still be refused or withdrawn while shown for public likes, never once the committee votes
# (an upheld objection is the only later exit, through the notice's own service).
P = CyclePhase
VETTING_PHASES = frozenset({P.NOMINATING, P.VETTING})
STAFF_DECISIONS: dict[NominationState, tuple[frozenset[NominationState], frozenset[CyclePhase]]] = {
    S.QUALIFIED: (frozenset({S.SUBMITTED}), VETTING_PHASES),
    S.RETURNED: (frozenset({S.SUBMITTED}), VETTING_PHASES),
    S.NOT_QUALIFIED: (frozenset({S.SUBMITTED, S.QUALIFIED}), VETTING_PHASES | {P.PUBLIC_REVIEW}),
    S.WITHDRAWN: (
        frozenset({S.SUBMITTED, S.RETURNED, S.QUALIFIED}),
        VETTING_PHASES | {P.PUBLIC_REVIEW},
    ),
}
# The consultation checklist (征求意见) is kept while a decision can still be taken.
CHECKLIST_STATES = frozenset({S.SUBMITTED, S.RETURNED, S.QUALIFIED, S.NOT_QUALIFIED})
CHECKLIST_PHASES = VETTING_PHASES | {P.PUBLIC_REVIEW}
# The annual shortlist (感动漯河 from the year's monthly honorees) adds submitted candidates.
SHORTLIST_PHASES = VETTING_PHASES


# States in which staff decide which registry record the candidate is (vetting to notice);
# once honored the link is history, and a draft is not shown to staff.
REGISTRY_LINKABLE = frozenset(
    {S.SUBMITTED, S.RETURNED, S.QUALIFIED, S.SHORTLISTED, S.SELECTED, S.NOT_SELECTED, S.IN_NOTICE}
)


class NominationTransitionError(Exception):
    """A refused move; the message is shown to the user."""


def allowed_targets(current: NominationState, actor: Actor) -> list[NominationState]:
    order = list(NominationState)
    targets = [
        to for (frm, to), actors in TRANSITIONS.items() if frm is current and actor in actors
    ]
    return sorted(targets, key=order.index)


def check_transition(
    current: NominationState, target: NominationState, actor: Actor, reason: str | None
) -> None:
    """Raise unless `actor` may move current → target (with a reason where one is required)."""
    if actor not in TRANSITIONS.get((current, target), frozenset()):
        raise NominationTransitionError(f"{current.value} → {target.value}")
    if target in REASON_REQUIRED and not (reason and reason.strip()):
        raise NominationTransitionError("reason required")
