"""The cycle phase machine (SPEC §3), pure."""

from __future__ import annotations

import pytest

from app.programs.workflow import CyclePhase as P
from app.programs.workflow import TransitionError, allowed_moves, check_transition

WITH_REVIEW = [
    P.DRAFT,
    P.NOMINATING,
    P.VETTING,
    P.PUBLIC_REVIEW,
    P.VOTING,
    P.NOTICE,
    P.PUBLISHED,
    P.CLOSED,
]


def test_full_path_with_public_review():
    for current, target in zip(WITH_REVIEW, WITH_REVIEW[1:], strict=False):
        check_transition(current, target, public_review=True)


def test_full_path_without_public_review_skips_it():
    assert allowed_moves(P.VETTING, public_review=False) == [P.VOTING, P.CLOSED]
    assert allowed_moves(P.VETTING, public_review=True) == [P.PUBLIC_REVIEW, P.CLOSED]
    with pytest.raises(TransitionError):
        check_transition(P.VETTING, P.PUBLIC_REVIEW, public_review=False)
    with pytest.raises(TransitionError):
        check_transition(P.VETTING, P.VOTING, public_review=True)


# The only moves off the path to publication: closing without a list.
CLOSE_UNLISTED = {(P.DRAFT, P.CLOSED), (P.VETTING, P.CLOSED)}


@pytest.mark.parametrize("current", list(P))
def test_no_backwards_or_skipping_moves_but_closing_a_draft_or_vetting_cycle_unlisted(current):
    for target in P:
        allowed = target in allowed_moves(current, public_review=True)
        if WITH_REVIEW.index(target) != WITH_REVIEW.index(current) + 1:
            assert allowed == ((current, target) in CLOSE_UNLISTED), (current, target)


def test_closed_is_final():
    assert allowed_moves(P.CLOSED, public_review=True) == []
