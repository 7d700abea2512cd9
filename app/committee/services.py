"""Committee use cases: roster, conflicts, secret ballots with receipts, tally, runoffs, results.

Secrecy: ballot contents are read only by the tally, and the tally is computed once, when
the vote closes (staff, or `honors schedule` at `voting_ends_at`). Before that nobody sees
a figure per candidate, only how many members have voted, so no difference between two
views can reveal a ballot; after it no ballot or recusal is accepted, so none can change
the figures either. Audit events record that a ballot came in, never whose or what.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.audit.services import record_event
from app.committee import tally as tallying
from app.committee.models import (
    Ballot,
    BallotVersion,
    CommitteeMember,
    Conflict,
    ConflictStatus,
    Runoff,
    TallySnapshot,
)
from app.db_types import utcnow
from app.exceptions import RefusedError, WindowClosedError
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.services import transition_nomination
from app.nominations.workflow import Actor, NominationState
from app.notifications.services import notify
from app.programs.models import BallotRule, Cycle
from app.programs.periods import period_label
from app.programs.rules import cycle_rules
from app.programs.services import (
    require_phase,
    when_label,
)
from app.programs.workflow import CyclePhase
from app.registry.models import HonoreeKind

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


def _lock(cycle: Cycle) -> Cycle:
    """Re-read the cycle row locked for update (PostgreSQL; SQLite has one writer anyway).

    A ballot or recusal and the close take this lock first, so a ballot either commits
    before the close reads the ballots, or sees the close and is refused: never stored
    yet left out of the results.
    """
    db.session.flush()  # a refresh would otherwise drop the caller's pending changes
    # Lock the cycle row alone: the cycle's joined eager loads (program, categories) are
    # outer joins, which PostgreSQL refuses to lock.
    db.session.execute(sa.select(Cycle.id).where(Cycle.id == cycle.id).with_for_update())
    db.session.refresh(cycle)
    return cycle


def ballots_open(cycle: Cycle, now: datetime) -> bool:
    """Whether a ballot of the open round (and, in the main round, a recusal) is accepted."""
    if open_round(cycle):
        return cycle.state is CyclePhase.VOTING
    try:
        _refuse_unless_voting(cycle, now)
    except CommitteeError:
        return False
    return True


def _refuse_unless_voting(cycle: Cycle, now: datetime) -> None:
    """Ballots of the main round and recusals: only while voting is open, before its end."""
    if cycle.voting_closed_at is not None:
        raise VotingClosedError(
            _l("Voting closed on %(when)s.", when=when_label(cycle.voting_closed_at)),
            closed_at=cycle.voting_closed_at,
        )
    _refuse_unless_vote_phase(cycle)
    if cycle.voting_ends_at is not None and now >= cycle.voting_ends_at:
        raise VotingClosedError(
            _l("Voting ended on %(when)s.", when=when_label(cycle.voting_ends_at)),
            closed_at=cycle.voting_ends_at,
        )


# ----------------------------------------------------------------------------- roster


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


def _refuse_unless_vote_phase(cycle: Cycle) -> None:
    """Voting phase, results not applied yet (they would no longer match): the condition of
    runoffs and the chair's decision, which have no end date of their own."""
    require_phase(cycle, VOTING_PHASES, CommitteeError)
    if cycle.results_applied_at is not None:
        raise CommitteeError(_l("The results have already been applied."))


def _refuse_if_frozen(cycle: Cycle) -> None:
    require_phase(cycle, ROSTER_PHASES, CommitteeError)
    if cycle.committee_frozen_at is not None:
        raise CommitteeError(_l("Voting has opened: the committee can no longer change."))


def add_member(cycle: Cycle, user: User, *, chair: bool = False, actor) -> CommitteeMember:
    _refuse_if_frozen(cycle)
    if not user.is_active or Role.COMMITTEE not in user.roles:
        raise CommitteeError(_l("Only active committee-member accounts can join."), "user_id")
    if membership(cycle, user) is not None:
        raise CommitteeError(_l("Already on this committee."), "user_id")
    member = CommitteeMember(cycle_id=cycle.id, user_id=user.id)
    db.session.add(member)
    db.session.flush()
    if chair:
        set_chair(cycle, member, actor=actor)
    record_event(
        "committee.member_added", actor=actor, obj=cycle, after={"user_id": user.id, "chair": chair}
    )
    return member


def remove_member(cycle: Cycle, member: CommitteeMember, *, actor) -> None:
    _refuse_if_frozen(cycle)
    db.session.delete(member)
    db.session.flush()
    record_event(
        "committee.member_removed", actor=actor, obj=cycle, before={"user_id": member.user_id}
    )


def set_chair(cycle: Cycle, member: CommitteeMember, *, actor) -> None:
    _refuse_if_frozen(cycle)
    for other in roster(cycle):
        other.is_chair = other.id == member.id
    db.session.flush()
    record_event("committee.chair_set", actor=actor, obj=cycle, after={"user_id": member.user_id})


def committee_ready(cycle: Cycle, now: datetime) -> object | None:
    members = roster(cycle)
    if not members:
        return _l("Appoint the committee first.")
    if not any(m.is_chair for m in members):
        return _l("Name a chair of the committee first.")
    return None


def freeze_roster(cycle: Cycle, now: datetime, actor) -> None:
    """Voting opens: freeze roster and shortlist, flag same-organisation conflicts."""
    cycle.committee_frozen_at = now
    qualified = db.session.scalars(
        sa.select(Nomination).where(
            Nomination.cycle_id == cycle.id, Nomination.state == NominationState.QUALIFIED
        )
    ).all()
    for nomination in qualified:
        transition_nomination(
            nomination, NominationState.SHORTLISTED, actor=actor, actor_kind=Actor.SYSTEM
        )
    members = roster(cycle)
    for member in members:
        for nomination in qualified:
            if (
                member.user.organisation_id
                and member.user.organisation_id == nomination.organisation_id
            ):
                db.session.add(
                    Conflict(
                        cycle_id=cycle.id,
                        member_id=member.id,
                        nomination_id=nomination.id,
                        status=ConflictStatus.FLAGGED,
                        automatic=True,
                    )
                )
    db.session.flush()
    record_event(
        "committee.frozen",
        actor=actor,
        obj=cycle,
        after={"members": len(members), "candidates": len(qualified)},
    )


# ----------------------------------------------------------------------------- conflicts


def conflicts_of(member: CommitteeMember) -> dict[int, Conflict]:
    rows = db.session.scalars(sa.select(Conflict).where(Conflict.member_id == member.id))
    return {c.nomination_id: c for c in rows}


def declare_conflict(
    member: CommitteeMember, nomination: Nomination, *, reason: str, now: datetime | None = None
) -> None:
    """The member recuses on a candidate (reason required); logged. Recusals are frozen
    when the vote closes: a late one would change the figures by this member's ballot."""
    now = now or utcnow()
    _refuse_unless_voting(_lock(db.session.get(Cycle, member.cycle_id)), now)
    if not reason.strip():
        raise CommitteeError(_l("Give the reason for the conflict of interest."), "reason")
    conflict = conflicts_of(member).get(nomination.id)
    if conflict is None:
        conflict = Conflict(
            cycle_id=member.cycle_id,
            member_id=member.id,
            nomination_id=nomination.id,
            status=ConflictStatus.RECUSED,
        )
        db.session.add(conflict)
    conflict.status, conflict.reason, conflict.decided_at = (
        ConflictStatus.RECUSED,
        reason.strip(),
        now,
    )
    db.session.flush()
    record_event(
        "committee.recused",
        actor=member.user,
        object_type="cycles",
        object_id=member.cycle_id,
        after={"nomination_id": nomination.id},
        reason=reason.strip(),
    )


def clear_flag(
    member: CommitteeMember, nomination: Nomination, *, reason: str, now: datetime | None = None
) -> None:
    """An automatic flag confirmed as no conflict (reason required); logged. Frozen at the
    close like recusals (an unresolved flag counts as a recusal)."""
    now = now or utcnow()
    _refuse_unless_voting(_lock(db.session.get(Cycle, member.cycle_id)), now)
    conflict = conflicts_of(member).get(nomination.id)
    if conflict is None or conflict.status is not ConflictStatus.FLAGGED:
        raise CommitteeError(_l("There is no flag to confirm."))
    if not reason.strip():
        raise CommitteeError(_l("Say why there is no conflict of interest."), "reason")
    conflict.status, conflict.reason, conflict.decided_at = (
        ConflictStatus.CLEARED,
        reason.strip(),
        now,
    )
    db.session.flush()
    record_event(
        "committee.flag_cleared",
        actor=member.user,
        object_type="cycles",
        object_id=member.cycle_id,
        after={"nomination_id": nomination.id},
        reason=reason.strip(),
    )


def recusals(cycle: Cycle) -> frozenset[tuple[int, int]]:
    """(member id, nomination id) pairs that must not count; unresolved flags count as recused."""
    rows = db.session.execute(
        sa.select(Conflict.member_id, Conflict.nomination_id).where(
            Conflict.cycle_id == cycle.id,
            Conflict.status.in_([ConflictStatus.RECUSED, ConflictStatus.FLAGGED]),
        )
    )
    return frozenset((m, n) for m, n in rows)


# ----------------------------------------------------------------------------- ballots


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


def receipt_code(secret: str, ballot_id: int, version: int, content: dict) -> str:
    """A code the member can find on the bulletin; reveals nothing about the choices."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    digest = (
        hmac.new(secret.encode(), f"{ballot_id}:{version}:{canonical}".encode(), hashlib.sha256)
        .hexdigest()
        .upper()
    )
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


@dataclass
class BallotInput:
    approvals: list[int] = field(default_factory=list)
    scores: dict[int, dict[str, int]] = field(default_factory=dict)
    justifications: dict[int, str] = field(default_factory=dict)


def _validate(
    cycle: Cycle, member: CommitteeMember, round_: int, data: BallotInput, now: datetime
) -> dict:
    rules = cycle_rules(cycle)
    if round_ == 0:
        _refuse_unless_voting(cycle, now)
    else:  # an open runoff has no end date: staff close it
        _refuse_unless_vote_phase(cycle)
    flagged = [c for c in conflicts_of(member).values() if c.status is ConflictStatus.FLAGGED]
    if flagged and round_ == 0:  # in a runoff flags are frozen and count as recusals
        raise CommitteeError(_l("Confirm or recuse on the flagged candidates first."))
    pool = {n.id: n for n in candidates(cycle, round_)}
    recused = {n for (m, n) in recusals(cycle) if m == member.id}
    allowed = set(pool) - recused
    if round_ or rules.ballot_rule is BallotRule.APPROVAL:
        chosen = sorted(set(data.approvals))
        if not set(chosen) <= allowed:
            raise CommitteeError(_l("The ballot names a candidate you cannot vote on."))
        runoff = current_runoff(cycle) if round_ else None
        limit = runoff.places if runoff else (rules.quota or len(pool))
        counted = chosen
        if not round_ and rules.group_quota:
            groups = [i for i in chosen if pool[i].kind is HonoreeKind.GROUP]
            if len(groups) > rules.group_quota:
                raise CommitteeError(
                    _l("Choose at most %(max)d collective(s).", max=rules.group_quota),
                    "approvals",
                )
            counted = [i for i in chosen if i not in groups]
        if len(counted) > limit:
            raise CommitteeError(
                _l("You chose %(n)d; choose at most %(max)d.", n=len(counted), max=limit),
                "approvals",
            )
        if not round_:
            for category in rules.categories:
                category_id, quota = category.category_id, category.quota
                if not quota:
                    continue
                count = sum(1 for i in chosen if pool[i].category_id == category_id)
                if count > quota:
                    name = category.name_zh
                    raise CommitteeError(
                        _l(
                            "At most %(max)d in the category %(category)s (you chose %(n)d).",
                            max=quota,
                            category=name,
                            n=count,
                        ),
                        "approvals",
                    )
        return {"approvals": chosen}
    criteria = rules.criterion_codes or ["overall"]
    scores: dict[str, dict[str, int]] = {}
    for candidate_id in sorted(allowed):
        marks = data.scores.get(candidate_id, {})
        if any(not isinstance(marks.get(c), int) or not 0 <= marks[c] <= 10 for c in criteria):
            raise CommitteeError(
                _l("Give every candidate a whole score from 0 to 10 on each criterion."), "scores"
            )
        if rules.require_justification and not data.justifications.get(candidate_id, "").strip():
            raise CommitteeError(_l("A justification is required for every candidate."), "scores")
        scores[str(candidate_id)] = {c: marks[c] for c in criteria}
    justifications = {
        str(k): v.strip()[:1000]
        for k, v in data.justifications.items()
        if k in allowed and v.strip()
    }
    return {"scores": scores, "justifications": justifications}


def submit_ballot(
    cycle: Cycle,
    member: CommitteeMember,
    data: BallotInput,
    *,
    secret: str,
    now: datetime | None = None,
) -> Ballot:
    """Store the member's ballot for the open round; the last submission counts. Refused
    (VotingClosedError) once the vote closed or `voting_ends_at` passed.

    Concurrent submissions by one member end with exactly one counted ballot: the row is
    unique per (cycle, member, round) and locked for update; the loser of an insert race
    gets IntegrityError and retries (see the view).
    """
    now = now or utcnow()
    _lock(cycle)
    round_ = open_round(cycle)
    content = _validate(cycle, member, round_, data, now)
    ballot = db.session.scalar(
        sa.select(Ballot)
        .where(Ballot.cycle_id == cycle.id, Ballot.member_id == member.id, Ballot.round == round_)
        .with_for_update()
    )
    if ballot is None:
        # A concurrent first submission may insert the same row: the unique constraint then
        # raises IntegrityError and the caller retries in a fresh transaction (which sees it).
        ballot = Ballot(
            cycle_id=cycle.id, member_id=member.id, round=round_, version=0, content={}, receipt=""
        )
        db.session.add(ballot)
        db.session.flush()
    ballot.version += 1
    ballot.content = content
    ballot.submitted_at = now
    ballot.receipt = receipt_code(secret, ballot.id, ballot.version, content)
    db.session.add(
        BallotVersion(
            ballot_id=ballot.id,
            version=ballot.version,
            content=content,
            receipt=ballot.receipt,
            submitted_at=now,
        )
    )
    db.session.flush()
    # That a ballot came in, not whose: the log must not show which member voted when,
    # only the count does (SPEC §6); the contents never appear anywhere but the tally.
    record_event(
        "ballot.submitted", object_type="cycles", object_id=cycle.id, after={"round": round_}
    )
    return ballot


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


def remind_non_voters(cycle: Cycle, *, actor) -> int:
    """Notify the members who have not voted in the open round; returns how many.

    Nobody is shown who they are: the count equals the roster minus the turnout.
    """
    round_ = open_round(cycle)
    if cycle.state is not CyclePhase.VOTING or (round_ == 0 and voting_closed(cycle)):
        raise CommitteeError(_l("Voting is not open."))
    voted = set(
        db.session.scalars(
            sa.select(Ballot.member_id).where(Ballot.cycle_id == cycle.id, Ballot.round == round_)
        )
    )
    waiting = [m.user for m in roster(cycle) if m.id not in voted and m.user.is_active]
    subject = str(
        _l(
            "Reminder: your ballot for %(program)s %(period)s is awaited",
            program=cycle.program.name_zh,
            period=period_label(cycle.period),
        )
    )
    body = (
        str(_l("Voting ends on %(when)s.", when=when_label(cycle.voting_ends_at)))
        if round_ == 0 and cycle.voting_ends_at is not None
        else ""
    )
    count = notify(waiting, subject=subject, body=body, link=f"/committee/cycles/{cycle.id}")
    record_event("committee.reminded", actor=actor, obj=cycle, after={"round": round_})
    return count


def bulletin(cycle: Cycle, round_: int = 0) -> list[str]:
    """Receipt codes of the counted ballots, sorted (so order reveals nothing)."""
    return sorted(
        db.session.scalars(
            sa.select(Ballot.receipt).where(Ballot.cycle_id == cycle.id, Ballot.round == round_)
        )
    )


# ----------------------------------------------------------------------------- tally


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
    from app.review.services import counts

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


def _store_result(cycle: Cycle, round_: int, result: tallying.TallyResult, now: datetime) -> None:
    db.session.add(
        TallySnapshot(
            cycle_id=cycle.id,
            round=round_,
            computed_at=now,
            result=tallying.result_to_json(result),
        )
    )
    db.session.flush()


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


def _quorum_refusal(result: tallying.TallyResult) -> CommitteeError:
    return CommitteeError(
        _l(
            "Quorum not met: %(cast)d ballots of %(roster)d members, %(needed)d needed.",
            cast=result.ballots_cast,
            roster=result.roster_size,
            needed=result.quorum_needed,
        )
    )


def close_voting(cycle: Cycle, *, actor, now: datetime | None = None) -> tallying.TallyResult:
    """Close the main vote and compute its results once, from the final ballots.

    Staff close it, or `honors schedule` at `voting_ends_at`; refused without quorum
    (staff may then extend the voting window instead).
    """
    now = now or utcnow()
    _lock(cycle)
    if cycle.state is not CyclePhase.VOTING:
        raise CommitteeError(_l("Voting is not open."))
    if voting_closed(cycle):
        raise CommitteeError(_l("Voting is already closed."))
    result = compute(cycle)
    if not result.quorum_met:
        raise _quorum_refusal(result)
    cycle.voting_closed_at = now
    _store_result(cycle, 0, result, now)
    record_event(
        "committee.voting_closed",
        actor=actor,
        obj=cycle,
        after={"ballots": result.ballots_cast, "roster": result.roster_size},
    )
    return result


def close_due_votes(now: datetime, actor) -> list[str]:
    """`honors schedule`: close the votes whose `voting_ends_at` has passed."""
    due = db.session.scalars(
        sa.select(Cycle)
        .where(
            Cycle.state == CyclePhase.VOTING,
            Cycle.voting_closed_at.is_(None),
            Cycle.voting_ends_at.is_not(None),
            Cycle.voting_ends_at <= now,
        )
        .order_by(Cycle.id)
    ).all()
    lines = []
    for cycle in due:
        label = f"{cycle.program.code} {cycle.period}"
        try:
            close_voting(cycle, actor=actor, now=now)
        except CommitteeError as refusal:
            lines.append(f"voting not closed {label}: {refusal.message}")
        else:
            lines.append(f"voting closed {label}")
    return lines


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


def open_runoff(cycle: Cycle, *, actor, now: datetime | None = None) -> Runoff:
    """Staff open a runoff among the candidates tied at the cutoff. A tie is known only
    from the results: a main vote still open is closed first (with its checks)."""
    now = now or utcnow()
    _refuse_unless_vote_phase(cycle)
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
    _refuse_unless_vote_phase(_lock(cycle))
    runoff = current_runoff(cycle)
    if runoff is None or runoff.closed_at is not None:
        raise CommitteeError(_l("No runoff is open."))
    now = now or utcnow()
    result = compute(cycle, runoff.round)
    if not result.quorum_met:
        raise _quorum_refusal(result)
    runoff.closed_at = now
    _store_result(cycle, runoff.round, result, now)
    record_event(
        "committee.runoff_closed",
        actor=actor,
        obj=cycle,
        after={"round": runoff.round, "still_tied": len(result.tied)},
    )
    return runoff


def record_chair_decision(cycle: Cycle, chosen: list[int], *, reason: str, actor) -> None:
    """The chair settles a tie that a runoff did not break (reason required)."""
    _refuse_unless_vote_phase(cycle)
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
        raise _quorum_refusal(state.main)
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
