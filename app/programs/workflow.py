"""Cycle phases (SPEC §3) and the moves allowed between them: pure, no database."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.labels import LabelledEnum


class CyclePhase(LabelledEnum):
    DRAFT = "draft"
    NOMINATING = "nominating"
    VETTING = "vetting"
    PUBLIC_REVIEW = "public_review"
    VOTING = "voting"
    NOTICE = "notice"
    PUBLISHED = "published"
    CLOSED = "closed"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.DRAFT: _l("Draft"),
            cls.NOMINATING: _l("Nominating"),
            cls.VETTING: _l("Vetting"),
            cls.PUBLIC_REVIEW: _l("Public review"),
            cls.VOTING: _l("Committee voting"),
            cls.NOTICE: _l("Public notice"),
            cls.PUBLISHED: _l("Published"),
            cls.CLOSED: _l("Closed"),
        }


# Besides the path to publication, a cycle may close without a list: a draft that will not
# be held, or one whose nominations left nobody to vote on (every one not qualified,
# withdrawn or never submitted); staff decide that, never the schedule.
TRANSITIONS: dict[CyclePhase, frozenset[CyclePhase]] = {
    CyclePhase.DRAFT: frozenset({CyclePhase.NOMINATING, CyclePhase.CLOSED}),
    CyclePhase.NOMINATING: frozenset({CyclePhase.VETTING}),
    CyclePhase.VETTING: frozenset({CyclePhase.PUBLIC_REVIEW, CyclePhase.VOTING, CyclePhase.CLOSED}),
    CyclePhase.PUBLIC_REVIEW: frozenset({CyclePhase.VOTING}),
    CyclePhase.VOTING: frozenset({CyclePhase.NOTICE}),
    CyclePhase.NOTICE: frozenset({CyclePhase.PUBLISHED}),
    CyclePhase.PUBLISHED: frozenset({CyclePhase.CLOSED}),
    CyclePhase.CLOSED: frozenset(),
}


class TransitionError(Exception):
    """A phase move that the state machine refuses; the message is shown to the user."""


def allowed_moves(current: CyclePhase, *, public_review: bool) -> list[CyclePhase]:
    """Phases reachable from `current`, in phase order, for a program with/without review."""
    moves = set(TRANSITIONS[current])
    # Vetting leads to public review when the program has it, straight to voting otherwise.
    if current is CyclePhase.VETTING:
        moves.discard(CyclePhase.VOTING if public_review else CyclePhase.PUBLIC_REVIEW)
    order = list(CyclePhase)
    return sorted(moves, key=order.index)


def check_transition(current: CyclePhase, target: CyclePhase, *, public_review: bool) -> None:
    """Raise TransitionError unless current → target is an allowed move."""
    if target not in allowed_moves(current, public_review=public_review):
        raise TransitionError(f"{current.value} → {target.value}")
