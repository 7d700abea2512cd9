"""Read-only selects for the staff dashboard: the work waiting for the secretariat.

A fixed number of SQL queries whatever the data (pinned by tests/test_query_counts.py):
one for the queue counts, one for the running cycles, and one per per-cycle aggregate.
Ballots are counted, never named: before a vote closes nobody sees who has voted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.audit.models import AuditEvent
from app.committee.models import Ballot, CommitteeMember, Runoff
from app.core.labels import LabelledEnum
from app.extensions import db
from app.nominations.models import Nomination, PublicRecommendation, RecommendationStatus
from app.nominations.workflow import NominationState
from app.notice.models import Objection, ObjectionStatus
from app.programs.models import Cycle
from app.programs.services import notice_length
from app.programs.workflow import CyclePhase


class Step(LabelledEnum):
    """The human decision a cycle waits for (the schedule never takes these)."""

    QUALIFY = "qualify"  # nominations still to vet
    NONE_QUALIFIED = "none_qualified"  # vetting done, nobody qualified
    APPOINT = "appoint"  # committee or chair missing before voting
    MOVE_ON = "move_on"  # vetting done, no date set for the next phase
    APPLY_RESULTS = "apply_results"  # the vote is closed, results not applied
    OPEN_NOTICE = "open_notice"  # results applied, the notice not started
    RESOLVE_OBJECTIONS = "resolve_objections"  # notice over, objections open
    PUBLISH = "publish"  # notice over, nothing in the way

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.QUALIFY: _l("Finish qualifying the nominations"),
            cls.NONE_QUALIFIED: _l("No nomination has qualified"),
            cls.APPOINT: _l("Appoint the committee and its chair"),
            cls.MOVE_ON: _l("Qualifying done: move to the next phase"),
            cls.APPLY_RESULTS: _l("Apply the committee's results"),
            cls.OPEN_NOTICE: _l("Results applied: start the public notice"),
            cls.RESOLVE_OBJECTIONS: _l("Notice over: resolve the open objections"),
            cls.PUBLISH: _l("Notice over: publish the list"),
        }


@dataclass(frozen=True)
class WaitingCycle:
    cycle: Cycle
    steps: list[Step]


@dataclass(frozen=True)
class OpenVote:
    """Turnout of an open vote (main round or runoff): counts only."""

    cycle: Cycle
    round: int
    voted: int
    roster: int

    @property
    def missing(self) -> int:
        return max(self.roster - self.voted, 0)


@dataclass(frozen=True)
class Workload:
    to_vet: int
    returned: int
    objections_open: int
    recommendations_pending: int
    waiting: list[WaitingCycle] = field(default_factory=list)
    votes: list[OpenVote] = field(default_factory=list)

    @property
    def ballots_missing(self) -> int:
        return sum(vote.missing for vote in self.votes)


RUNNING = (CyclePhase.VETTING, CyclePhase.PUBLIC_REVIEW, CyclePhase.VOTING, CyclePhase.NOTICE)


def _count(model, *where) -> sa.ScalarSelect:
    return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()


def queue_counts() -> tuple[int, int, int, int]:
    """To vet, returned awaiting the unit, objections open, recommendations pending."""
    row = db.session.execute(
        sa.select(
            _count(Nomination, Nomination.state == NominationState.SUBMITTED),
            _count(Nomination, Nomination.state == NominationState.RETURNED),
            _count(Objection, Objection.status == ObjectionStatus.OPEN),
            _count(
                PublicRecommendation, PublicRecommendation.status == RecommendationStatus.PENDING
            ),
        )
    ).one()
    return tuple(int(n) for n in row)


def _grouped(stmt) -> dict:
    out: dict = defaultdict(dict)
    for cycle_id, key, n in db.session.execute(stmt):
        out[cycle_id][key] = n
    return out


def workload(*, now: datetime) -> Workload:
    """The dashboard's counts, the cycles waiting for staff and the open votes' turnout."""
    to_vet, returned, objections, recommendations = queue_counts()
    cycles = db.session.scalars(
        sa.select(Cycle)
        .options(joinedload(Cycle.program))
        .where(Cycle.state.in_(RUNNING))
        .order_by(Cycle.reference_date, Cycle.id)
    ).all()
    ids = [c.id for c in cycles]
    nominations = _grouped(
        sa.select(Nomination.cycle_id, Nomination.state, sa.func.count())
        .where(
            Nomination.cycle_id.in_(ids),
            Nomination.state.in_((NominationState.SUBMITTED, NominationState.QUALIFIED)),
        )
        .group_by(Nomination.cycle_id, Nomination.state)
    )
    roster = _grouped(
        sa.select(CommitteeMember.cycle_id, CommitteeMember.is_chair, sa.func.count())
        .where(CommitteeMember.cycle_id.in_(ids))
        .group_by(CommitteeMember.cycle_id, CommitteeMember.is_chair)
    )
    ballots = _grouped(
        sa.select(Ballot.cycle_id, Ballot.round, sa.func.count())
        .where(Ballot.cycle_id.in_(ids))
        .group_by(Ballot.cycle_id, Ballot.round)
    )
    runoffs = {
        cycle_id: round_
        for cycle_id, round_ in db.session.execute(
            sa.select(Runoff.cycle_id, sa.func.max(Runoff.round))
            .where(Runoff.cycle_id.in_(ids), Runoff.closed_at.is_(None))
            .group_by(Runoff.cycle_id)
        )
    }
    open_objections = {
        cycle_id: n
        for cycle_id, n in db.session.execute(
            sa.select(Objection.cycle_id, sa.func.count())
            .where(Objection.cycle_id.in_(ids), Objection.status == ObjectionStatus.OPEN)
            .group_by(Objection.cycle_id)
        )
    }
    waiting, votes = [], []
    for cycle in cycles:
        members = sum(roster[cycle.id].values())
        steps = _steps(
            cycle,
            now=now,
            counts=nominations[cycle.id],
            members=members,
            chair=bool(roster[cycle.id].get(True)),
            objections=open_objections.get(cycle.id, 0),
        )
        if steps:
            waiting.append(WaitingCycle(cycle, steps))
        round_ = runoffs.get(cycle.id)
        if cycle.state is CyclePhase.VOTING and (round_ or cycle.voting_closed_at is None):
            round_ = round_ or 0
            votes.append(OpenVote(cycle, round_, ballots[cycle.id].get(round_, 0), members))
    return Workload(to_vet, returned, objections, recommendations, waiting, votes)


def _steps(
    cycle: Cycle, *, now: datetime, counts: dict, members: int, chair: bool, objections: int
) -> list[Step]:
    """What `cycle` waits for from staff now (see programs.services._due_move for the
    moves the schedule makes by itself)."""
    steps: list[Step] = []
    state = cycle.state
    if state is CyclePhase.VETTING:
        if counts.get(NominationState.SUBMITTED):
            steps.append(Step.QUALIFY)
        elif not counts.get(NominationState.QUALIFIED):
            steps.append(Step.NONE_QUALIFIED)
        else:
            trigger = cycle.review_starts_at if cycle.program.public_review else None
            trigger = trigger or cycle.voting_starts_at
            if trigger is None or trigger <= now:
                steps.append(Step.MOVE_ON)
    if state in (CyclePhase.VETTING, CyclePhase.PUBLIC_REVIEW) and (not members or not chair):
        steps.append(Step.APPOINT)
    if state is CyclePhase.VOTING:
        closed = cycle.voting_closed_at is not None
        if cycle.results_applied_at is not None:
            steps.append(Step.OPEN_NOTICE)
        elif closed or (cycle.voting_ends_at is not None and cycle.voting_ends_at <= now):
            steps.append(Step.APPLY_RESULTS)
    if state is CyclePhase.NOTICE:
        ends = cycle.notice_ends_at
        if cycle.notice_starts_at is not None:
            earliest = cycle.notice_starts_at + notice_length(cycle.program)
            ends = max(ends, earliest) if ends else earliest
        if ends is not None and ends <= now:
            steps.append(Step.RESOLVE_OBJECTIONS if objections else Step.PUBLISH)
    return steps


def recent_activity(limit: int = 15) -> list[tuple[AuditEvent, str | None]]:
    """The newest events done by a person or the schedule (one query); system seeding
    (no actor, e.g. `honors init` creating the catalogue) is left out."""
    from app.accounts.models import User

    stmt = (
        sa.select(AuditEvent, User.username)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(sa.or_(AuditEvent.actor_id.is_not(None), AuditEvent.via.is_not(None)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [(event, username) for event, username in db.session.execute(stmt)]
