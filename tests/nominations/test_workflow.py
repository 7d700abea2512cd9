"""Every allowed and refused nomination transition (SPEC §4), pure."""

from __future__ import annotations

import itertools

import pytest

from app.nominations.workflow import (
    REASON_REQUIRED,
    TRANSITIONS,
    Actor,
    NominationState,
    NominationTransitionError,
    check_transition,
)

S = NominationState
ALL = list(itertools.product(S, S, Actor))


@pytest.mark.parametrize(("current", "target", "actor"), ALL)
def test_transition_table(current, target, actor):
    allowed = actor in TRANSITIONS.get((current, target), frozenset())
    if allowed:
        check_transition(current, target, actor, "理由")
    else:
        with pytest.raises(NominationTransitionError):
            check_transition(current, target, actor, "理由")


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED))
def test_reason_required(target):
    source = next(
        frm for (frm, to), actors in TRANSITIONS.items() if to is target and Actor.STAFF in actors
    )
    with pytest.raises(NominationTransitionError, match="reason required"):
        check_transition(source, target, Actor.STAFF, "  ")


def test_nominator_cannot_vet_own_nomination():
    for target in (S.QUALIFIED, S.NOT_QUALIFIED, S.RETURNED):
        with pytest.raises(NominationTransitionError):
            check_transition(S.SUBMITTED, target, Actor.NOMINATOR, "x")


def test_terminal_states_have_no_exit():
    for state in (S.WITHDRAWN, S.NOT_QUALIFIED, S.HONORED):
        assert not [pair for pair in TRANSITIONS if pair[0] is state]
