"""When the committee may act: the phases of its roster and vote, its refusals, the
pure checks on a cycle.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.committee import tally as tallying
from app.exceptions import RefusedError, WindowClosedError
from app.nominations.workflow import NominationState
from app.programs.models import Cycle
from app.programs.services import require_phase, when_label
from app.programs.workflow import CyclePhase

# The roster is appointed before voting opens (and frozen then); ballots, conflicts,
# runoffs and the chair's decision belong to the vote itself.
ROSTER_PHASES = frozenset(
    {CyclePhase.DRAFT, CyclePhase.NOMINATING, CyclePhase.VETTING, CyclePhase.PUBLIC_REVIEW}
)
VOTING_PHASES = frozenset({CyclePhase.VOTING})

SHORTLIST_STATES = (
    NominationState.SHORTLISTED,
    NominationState.SELECTED,
    NominationState.NOT_SELECTED,
    NominationState.IN_NOTICE,
    NominationState.HONORED,
)


# Phases after voting: a cycle there has closed its vote (also cycles from before the close).
AFTER_VOTING = (CyclePhase.NOTICE, CyclePhase.PUBLISHED, CyclePhase.CLOSED)


class CommitteeError(RefusedError):
    """A roster, ballot, conflict or results action the committee rules refuse."""


class VotingClosedError(WindowClosedError, CommitteeError):
    """A ballot or recusal after the vote closed or after `voting_ends_at`."""


def voting_closed(cycle: Cycle) -> bool:
    """The main vote is over: its results exist and nothing may change them."""
    return cycle.voting_closed_at is not None or cycle.state in AFTER_VOTING


def refuse_unless_vote_phase(cycle: Cycle) -> None:
    """Voting phase, results not applied yet (they would no longer match): the condition of
    runoffs and the chair's decision, which have no end date of their own."""
    require_phase(cycle, VOTING_PHASES, CommitteeError)
    if cycle.results_applied_at is not None:
        raise CommitteeError(_l("The results have already been applied."))


def refuse_if_frozen(cycle: Cycle) -> None:
    require_phase(cycle, ROSTER_PHASES, CommitteeError)
    if cycle.committee_frozen_at is not None:
        raise CommitteeError(_l("Voting has opened: the committee can no longer change."))


def refuse_unless_voting(cycle: Cycle, now: datetime) -> None:
    """Ballots of the main round and recusals: only while voting is open, before its end."""
    if cycle.voting_closed_at is not None:
        raise VotingClosedError(
            _l("Voting closed on %(when)s.", when=when_label(cycle.voting_closed_at)),
            closed_at=cycle.voting_closed_at,
        )
    refuse_unless_vote_phase(cycle)
    if cycle.voting_ends_at is not None and now >= cycle.voting_ends_at:
        raise VotingClosedError(
            _l("Voting ended on %(when)s.", when=when_label(cycle.voting_ends_at)),
            closed_at=cycle.voting_ends_at,
        )


def quorum_refusal(result: tallying.TallyResult) -> CommitteeError:
    return CommitteeError(
        _l(
            "Quorum not met: %(cast)d ballots of %(roster)d members, %(needed)d needed.",
            cast=result.ballots_cast,
            roster=result.roster_size,
            needed=result.quorum_needed,
        )
    )
