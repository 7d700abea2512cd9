"""Committee results: runoffs, the chair's decision, applying the results (and the
precondition that they are), the move into notice; flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.committee.ballots import close_voting, lock_cycle, store_result
from app.committee.models import Runoff
from app.committee.queries import candidates, compute, current_runoff, outcome, turnout
from app.committee.workflow import (
    CommitteeError,
    quorum_refusal,
    refuse_unless_vote_phase,
    voting_closed,
)
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.services import transition_nomination
from app.nominations.workflow import Actor, NominationState
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase


def open_runoff(cycle: Cycle, *, actor, now: datetime | None = None) -> Runoff:
    """Staff open a runoff among the candidates tied at the cutoff. A tie is known only
    from the results: a main vote still open is closed first (with its checks)."""
    now = now or utcnow()
    refuse_unless_vote_phase(cycle)
    if not voting_closed(cycle):
        close_voting(cycle, actor=actor, now=now)
    state = outcome(cycle)
    if cycle.results_applied_at is not None:
        raise CommitteeError(_l("The results have already been applied."))
    last = current_runoff(cycle)
    if last is not None and last.closed_at is None:
        raise CommitteeError(_l("A runoff is already open."))
    if not state.unresolved:
        raise CommitteeError(_l("There is no tie to settle."))
    runoff = Runoff(
        cycle_id=cycle.id,
        round=(last.round + 1) if last else 1,
        places=state.places_open,
        nomination_ids=sorted(state.unresolved),
        opened_at=now,
    )
    db.session.add(runoff)
    db.session.flush()
    record_event(
        "committee.runoff_opened",
        actor=actor,
        obj=cycle,
        after={"round": runoff.round, "places": runoff.places, "candidates": runoff.nomination_ids},
    )
    return runoff


def close_runoff(cycle: Cycle, *, actor, now: datetime | None = None) -> Runoff:
    refuse_unless_vote_phase(lock_cycle(cycle))
    runoff = current_runoff(cycle)
    if runoff is None or runoff.closed_at is not None:
        raise CommitteeError(_l("No runoff is open."))
    now = now or utcnow()
    result = compute(cycle, runoff.round)
    if not result.quorum_met:
        raise quorum_refusal(result)
    runoff.closed_at = now
    store_result(cycle, runoff.round, result, now)
    record_event(
        "committee.runoff_closed",
        actor=actor,
        obj=cycle,
        after={"round": runoff.round, "still_tied": len(result.tied)},
    )
    return runoff


def record_chair_decision(cycle: Cycle, chosen: list[int], *, reason: str, actor) -> None:
    """The chair settles a tie that a runoff did not break (reason required)."""
    refuse_unless_vote_phase(cycle)
    runoff = current_runoff(cycle)
    state = outcome(cycle)
    if (
        state is None
        or runoff is None
        or runoff.closed_at is None
        or runoff.decided_ids is not None
    ):
        raise CommitteeError(_l("There is no closed runoff awaiting the chair's decision."))
    if not state.unresolved:
        raise CommitteeError(_l("There is no tie to settle."))
    if not reason.strip():
        raise CommitteeError(_l("Give the reason for the decision."), "reason")
    if len(set(chosen)) != state.places_open or not set(chosen) <= set(state.unresolved):
        raise CommitteeError(
            _l("Choose exactly %(n)d of the tied candidates.", n=state.places_open), "chosen"
        )
    runoff.decided_ids = sorted(set(chosen))
    runoff.decision_reason = reason.strip()
    runoff.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    record_event(
        "committee.chair_decision",
        actor=actor,
        obj=cycle,
        after={"round": runoff.round, "chosen": runoff.decided_ids},
        reason=reason.strip(),
    )


def apply_results(cycle: Cycle, *, actor, now: datetime | None = None) -> list[int]:
    """Winners → selected, the other shortlisted → not selected; requires quorum, no tie.

    Applying ends the vote: a vote still open is closed first (with its checks)."""
    now = now or utcnow()
    if cycle.state is not CyclePhase.VOTING:
        raise CommitteeError(_l("Voting is not open."))
    if cycle.results_applied_at is not None:
        raise CommitteeError(_l("The results have already been applied."))
    if not voting_closed(cycle):
        close_voting(cycle, actor=actor, now=now)
    state = outcome(cycle)
    if not state.main.quorum_met:
        raise quorum_refusal(state.main)
    if state.unresolved:
        raise CommitteeError(
            _l(
                "%(n)d candidates are tied for %(places)d places: open a runoff first.",
                n=len(state.unresolved),
                places=state.places_open,
            )
        )
    winners = set(state.winners)
    for nomination in candidates(cycle):
        if nomination.state is not NominationState.SHORTLISTED:
            continue
        target = (
            NominationState.SELECTED if nomination.id in winners else NominationState.NOT_SELECTED
        )
        transition_nomination(nomination, target, actor=actor, actor_kind=Actor.SYSTEM)
    cycle.results_applied_at = now
    db.session.flush()
    record_event(
        "committee.results_applied", actor=actor, obj=cycle, after={"winners": sorted(winners)}
    )
    return sorted(winners)


def results_applied(cycle: Cycle, now: datetime) -> object | None:
    if cycle.results_applied_at is None:
        count = turnout(cycle)
        if count.voted < count.quorum_needed:
            return _l(
                "Quorum not met: %(cast)d ballots of %(roster)d members, %(needed)d needed.",
                cast=count.voted,
                roster=count.roster_size,
                needed=count.quorum_needed,
            )
        return _l("Apply the committee's results first.")
    return None


def into_notice(cycle: Cycle, now: datetime, actor) -> None:
    for nomination in db.session.scalars(
        sa.select(Nomination).where(
            Nomination.cycle_id == cycle.id, Nomination.state == NominationState.SELECTED
        )
    ):
        transition_nomination(
            nomination, NominationState.IN_NOTICE, actor=actor, actor_kind=Actor.SYSTEM
        )
