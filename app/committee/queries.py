"""Committee reads for pages and exports: roster, conflicts, candidates, turnout, receipts
and the tally of closed rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.committee import tally as tallying
from app.committee.models import (
    Ballot,
    CommitteeMember,
    Conflict,
    ConflictStatus,
    Runoff,
    TallySnapshot,
)
from app.committee.workflow import (
    SHORTLIST_STATES,
    CommitteeError,
    refuse_unless_voting,
    voting_closed,
)
from app.extensions import db
from app.nominations.models import Nomination
from app.programs.models import Cycle
from app.programs.rules import cycle_rules
from app.programs.workflow import CyclePhase
from app.registry.models import HonoreeKind


def roster(cycle: Cycle) -> list[CommitteeMember]:
    return list(
        db.session.scalars(
            sa.select(CommitteeMember)
            .where(CommitteeMember.cycle_id == cycle.id)
            .order_by(CommitteeMember.is_chair.desc(), CommitteeMember.id)
        )
    )


def membership(cycle: Cycle, user) -> CommitteeMember | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(CommitteeMember).where(
            CommitteeMember.cycle_id == cycle.id, CommitteeMember.user_id == user.id
        )
    )


def conflicts_of(member: CommitteeMember) -> dict[int, Conflict]:
    rows = db.session.scalars(sa.select(Conflict).where(Conflict.member_id == member.id))
    return {c.nomination_id: c for c in rows}


def recusals(cycle: Cycle) -> frozenset[tuple[int, int]]:
    """(member id, nomination id) pairs that must not count; unresolved flags count as recused."""
    rows = db.session.execute(
        sa.select(Conflict.member_id, Conflict.nomination_id).where(
            Conflict.cycle_id == cycle.id,
            Conflict.status.in_([ConflictStatus.RECUSED, ConflictStatus.FLAGGED]),
        )
    )
    return frozenset((m, n) for m, n in rows)


def current_runoff(cycle: Cycle) -> Runoff | None:
    return db.session.scalar(
        sa.select(Runoff).where(Runoff.cycle_id == cycle.id).order_by(Runoff.round.desc()).limit(1)
    )


def open_round(cycle: Cycle) -> int:
    runoff = current_runoff(cycle)
    return runoff.round if runoff is not None and runoff.closed_at is None else 0


def candidates(cycle: Cycle, round_: int = 0) -> list[Nomination]:
    stmt = (
        sa.select(Nomination)
        .options(selectinload(Nomination.photos), joinedload(Nomination.category))
        .where(Nomination.cycle_id == cycle.id, Nomination.state.in_(SHORTLIST_STATES))
        .order_by(Nomination.category_id, Nomination.id)
    )
    if round_:
        runoff = db.session.scalar(
            sa.select(Runoff).where(Runoff.cycle_id == cycle.id, Runoff.round == round_)
        )
        stmt = stmt.where(Nomination.id.in_(runoff.nomination_ids if runoff else []))
    return list(db.session.scalars(stmt))


def ballots_open(cycle: Cycle, now: datetime) -> bool:
    """Whether a ballot of the open round (and, in the main round, a recusal) is accepted."""
    if open_round(cycle):
        return cycle.state is CyclePhase.VOTING
    try:
        refuse_unless_voting(cycle, now)
    except CommitteeError:
        return False
    return True


def my_ballot(cycle: Cycle, member: CommitteeMember, round_: int) -> Ballot | None:
    return db.session.scalar(
        sa.select(Ballot).where(
            Ballot.cycle_id == cycle.id, Ballot.member_id == member.id, Ballot.round == round_
        )
    )


@dataclass(frozen=True)
class Turnout:
    """How many members have voted: the only figure shown while a round is open."""

    voted: int
    roster_size: int
    quorum_needed: int


def turnout(cycle: Cycle, round_: int = 0) -> Turnout:
    voted = db.session.scalar(
        sa.select(sa.func.count(Ballot.id)).where(
            Ballot.cycle_id == cycle.id, Ballot.round == round_
        )
    )
    size = db.session.scalar(
        sa.select(sa.func.count(CommitteeMember.id)).where(CommitteeMember.cycle_id == cycle.id)
    )
    needed = tallying.quorum_needed(size, cycle_rules(cycle).quorum)
    return Turnout(voted=voted or 0, roster_size=size or 0, quorum_needed=needed)


def bulletin(cycle: Cycle, round_: int = 0) -> list[str]:
    """Receipt codes of the counted ballots, sorted (so order reveals nothing)."""
    return sorted(
        db.session.scalars(
            sa.select(Ballot.receipt).where(Ballot.cycle_id == cycle.id, Ballot.round == round_)
        )
    )


def _settings(cycle: Cycle, round_: int, places: int | None = None) -> tallying.Settings:
    rules = cycle_rules(cycle)  # the snapshot taken when nominations closed
    if round_:
        return tallying.Settings(
            rule=tallying.Rule.APPROVAL,
            quota=places or 1,
            quorum=rules.quorum,
            majority_required=False,
        )
    return tallying.Settings(
        rule=tallying.Rule(rules.ballot_rule.value),
        quota=rules.quota or 10_000,
        category_quotas=rules.category_quotas,
        quorum=rules.quorum,
        public_weight=Fraction(rules.public_weight_pct, 100),
        criteria={c.code: Fraction(c.weight) for c in rules.score_criteria},
        min_mean_score=rules.min_mean_score,
        group_quota=rules.group_quota,
    )


def likes_by_nomination(cycle: Cycle) -> dict[int, int]:
    """Valid public likes per candidate (voided likes never count)."""
    from app.review.queries import counts

    return counts(cycle.id)


def compute(cycle: Cycle, round_: int = 0) -> tallying.TallyResult:
    """Recompute the tally of a round from the stored ballots (never from stored totals)."""
    runoff = None
    if round_:
        runoff = db.session.scalar(
            sa.select(Runoff).where(Runoff.cycle_id == cycle.id, Runoff.round == round_)
        )
    likes = likes_by_nomination(cycle)
    pool = [
        tallying.Candidate(n.id, n.category_id, likes.get(n.id, 0), n.kind is HonoreeKind.GROUP)
        for n in candidates(cycle, round_)
    ]
    ballots = []
    for ballot in db.session.scalars(
        sa.select(Ballot).where(Ballot.cycle_id == cycle.id, Ballot.round == round_)
    ):
        content = ballot.content
        scores = {int(k): v for k, v in content.get("scores", {}).items()}
        ballots.append(
            tallying.Ballot(
                ballot.member_id, approvals=frozenset(content.get("approvals", [])), scores=scores
            )
        )
    return tallying.tally(
        pool,
        ballots,
        roster_size=len(roster(cycle)),
        recusals=recusals(cycle),
        settings=_settings(cycle, round_, runoff.places if runoff else None),
    )


def final_result(cycle: Cycle, round_: int = 0) -> tallying.TallyResult | None:
    """The tally of a closed round as computed at its close; None while it is open.

    Cycles closed before snapshots existed have none: their ballots and recusals can no
    longer change, so their tally is computed from them.
    """
    if round_ == 0:
        closed = voting_closed(cycle)
    else:
        runoff = db.session.scalar(
            sa.select(Runoff).where(Runoff.cycle_id == cycle.id, Runoff.round == round_)
        )
        closed = runoff is not None and runoff.closed_at is not None
    if not closed:
        return None
    snapshot = db.session.scalar(
        sa.select(TallySnapshot.result).where(
            TallySnapshot.cycle_id == cycle.id, TallySnapshot.round == round_
        )
    )
    return tallying.result_from_json(snapshot) if snapshot is not None else compute(cycle, round_)


@dataclass
class Outcome:
    main: tallying.TallyResult
    rounds: list[tuple[Runoff, tallying.TallyResult | None]]  # None: the runoff is open
    winners: list[int]
    unresolved: list[int]  # still tied after every runoff and without a chair decision
    places_open: int


def outcome(cycle: Cycle) -> Outcome | None:
    """Main tally, then each runoff (and the chair's decision) for the places left; None
    while the vote is open (nobody sees a figure per candidate before the close)."""
    main = final_result(cycle)
    if main is None:
        return None
    winners = list(main.winners)
    unresolved, places = list(main.tied), main.places_left_for_tied
    rounds = []
    runoffs = db.session.scalars(
        sa.select(Runoff).where(Runoff.cycle_id == cycle.id).order_by(Runoff.round)
    ).all()
    for runoff in runoffs:
        result = final_result(cycle, runoff.round)
        rounds.append((runoff, result))
        if runoff.decided_ids is not None:
            winners += runoff.decided_ids
            unresolved, places = [], 0
        elif result is not None:
            winners += result.winners
            unresolved, places = list(result.tied), result.places_left_for_tied
        else:
            unresolved, places = list(runoff.nomination_ids), runoff.places
    return Outcome(main, rounds, winners, unresolved, places)
