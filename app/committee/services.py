"""Committee use cases: roster, conflicts, secret ballots with receipts, tally, runoffs, results.

Secrecy: ballot contents are read only by the tally; audit events and every page show who
has voted (turnout), never what.
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
)
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.honors.models import HonoreeKind
from app.nominations.models import Nomination
from app.nominations.services import transition_nomination
from app.nominations.workflow import Actor, NominationState
from app.programs.models import BallotRule, Cycle
from app.programs.services import on_enter, precondition, require_phase
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


class CommitteeError(RefusedError):
    """A roster, ballot, conflict or results action the committee rules refuse."""


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


def _refuse_unless_voting(cycle: Cycle) -> None:
    """The vote is open: voting phase, results not applied yet (they would no longer match)."""
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


@precondition(CyclePhase.VOTING)
def _committee_ready(cycle: Cycle, now: datetime) -> object | None:
    members = roster(cycle)
    if not members:
        return _l("Appoint the committee first.")
    if not any(m.is_chair for m in members):
        return _l("Name a chair of the committee first.")
    return None


@on_enter(CyclePhase.VOTING)
def _freeze(cycle: Cycle, now: datetime, actor) -> None:
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


def declare_conflict(member: CommitteeMember, nomination: Nomination, *, reason: str) -> None:
    """The member recuses on a candidate (reason required); logged."""
    _refuse_unless_voting(nomination.cycle)
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
        utcnow(),
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


def clear_flag(member: CommitteeMember, nomination: Nomination, *, reason: str) -> None:
    """An automatic flag confirmed as no conflict (reason required); logged."""
    _refuse_unless_voting(nomination.cycle)
    conflict = conflicts_of(member).get(nomination.id)
    if conflict is None or conflict.status is not ConflictStatus.FLAGGED:
        raise CommitteeError(_l("There is no flag to confirm."))
    if not reason.strip():
        raise CommitteeError(_l("Say why there is no conflict of interest."), "reason")
    conflict.status, conflict.reason, conflict.decided_at = (
        ConflictStatus.CLEARED,
        reason.strip(),
        utcnow(),
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


def _validate(cycle: Cycle, member: CommitteeMember, round_: int, data: BallotInput) -> dict:
    program = cycle.program
    _refuse_unless_voting(cycle)
    flagged = [c for c in conflicts_of(member).values() if c.status is ConflictStatus.FLAGGED]
    if flagged:
        raise CommitteeError(_l("Confirm or recuse on the flagged candidates first."))
    pool = {n.id: n for n in candidates(cycle, round_)}
    recused = {n for (m, n) in recusals(cycle) if m == member.id}
    allowed = set(pool) - recused
    if round_ or program.ballot_rule is BallotRule.APPROVAL:
        chosen = sorted(set(data.approvals))
        if not set(chosen) <= allowed:
            raise CommitteeError(_l("The ballot names a candidate you cannot vote on."))
        runoff = current_runoff(cycle) if round_ else None
        limit = runoff.places if runoff else (program.quota or len(pool))
        counted = chosen
        if not round_ and program.group_quota:
            groups = [i for i in chosen if pool[i].kind is HonoreeKind.GROUP]
            if len(groups) > program.group_quota:
                raise CommitteeError(
                    _l("Choose at most %(max)d collective(s).", max=program.group_quota),
                    "approvals",
                )
            counted = [i for i in chosen if i not in groups]
        if len(counted) > limit:
            raise CommitteeError(
                _l("You chose %(n)d; choose at most %(max)d.", n=len(counted), max=limit),
                "approvals",
            )
        if not round_:
            quotas = {link.category_id: link.quota for link in program.categories if link.quota}
            for category_id, quota in quotas.items():
                count = sum(1 for i in chosen if pool[i].category_id == category_id)
                if count > quota:
                    name = next(
                        link.category.name_zh
                        for link in program.categories
                        if link.category_id == category_id
                    )
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
    criteria = [c["code"] for c in program.score_criteria] or ["overall"]
    scores: dict[str, dict[str, int]] = {}
    for candidate_id in sorted(allowed):
        marks = data.scores.get(candidate_id, {})
        if any(not isinstance(marks.get(c), int) or not 0 <= marks[c] <= 10 for c in criteria):
            raise CommitteeError(
                _l("Give every candidate a whole score from 0 to 10 on each criterion."), "scores"
            )
        if program.require_justification and not data.justifications.get(candidate_id, "").strip():
            raise CommitteeError(_l("A justification is required for every candidate."), "scores")
        scores[str(candidate_id)] = {c: marks[c] for c in criteria}
    justifications = {
        str(k): v.strip()[:1000]
        for k, v in data.justifications.items()
        if k in allowed and v.strip()
    }
    return {"scores": scores, "justifications": justifications}


def submit_ballot(
    cycle: Cycle, member: CommitteeMember, data: BallotInput, *, secret: str
) -> Ballot:
    """Store the member's ballot for the open round; the last submission counts.

    Concurrent submissions by one member end with exactly one counted ballot: the row is
    unique per (cycle, member, round) and locked for update; the loser of an insert race
    gets IntegrityError and retries (see the view).
    """
    round_ = open_round(cycle)
    content = _validate(cycle, member, round_, data)
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
    ballot.submitted_at = utcnow()
    ballot.receipt = receipt_code(secret, ballot.id, ballot.version, content)
    db.session.add(
        BallotVersion(
            ballot_id=ballot.id, version=ballot.version, content=content, receipt=ballot.receipt
        )
    )
    db.session.flush()
    record_event(
        "ballot.submitted",
        actor=member.user,
        object_type="cycles",
        object_id=cycle.id,
        after={"round": round_, "version": ballot.version},
    )
    return ballot


def my_ballot(cycle: Cycle, member: CommitteeMember, round_: int) -> Ballot | None:
    return db.session.scalar(
        sa.select(Ballot).where(
            Ballot.cycle_id == cycle.id, Ballot.member_id == member.id, Ballot.round == round_
        )
    )


def turnout(cycle: Cycle, round_: int = 0) -> list[tuple[CommitteeMember, bool]]:
    voted = set(
        db.session.scalars(
            sa.select(Ballot.member_id).where(Ballot.cycle_id == cycle.id, Ballot.round == round_)
        )
    )
    return [(member, member.id in voted) for member in roster(cycle)]


def bulletin(cycle: Cycle, round_: int = 0) -> list[str]:
    """Receipt codes of the counted ballots, sorted (so order reveals nothing)."""
    return sorted(
        db.session.scalars(
            sa.select(Ballot.receipt).where(Ballot.cycle_id == cycle.id, Ballot.round == round_)
        )
    )


# ----------------------------------------------------------------------------- tally


def _settings(cycle: Cycle, round_: int, places: int | None = None) -> tallying.Settings:
    program = cycle.program
    if round_:
        return tallying.Settings(
            rule=tallying.Rule.APPROVAL,
            quota=places or 1,
            quorum=Fraction(program.quorum_num, program.quorum_den),
            majority_required=False,
        )
    return tallying.Settings(
        rule=tallying.Rule(program.ballot_rule.value),
        quota=program.quota or 10_000,
        category_quotas={link.category_id: link.quota for link in program.categories if link.quota},
        quorum=Fraction(program.quorum_num, program.quorum_den),
        public_weight=Fraction(program.public_weight_pct, 100),
        criteria={c["code"]: Fraction(str(c.get("weight", 1))) for c in program.score_criteria},
        min_mean_score=Fraction(program.min_mean_score_tenths, 10),
        group_quota=program.group_quota,
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


@dataclass
class Outcome:
    main: tallying.TallyResult
    rounds: list[tuple[Runoff, tallying.TallyResult]]
    winners: list[int]
    unresolved: list[int]  # still tied after every runoff and without a chair decision
    places_open: int


def outcome(cycle: Cycle) -> Outcome:
    """Main tally, then each runoff (and the chair's decision) for the places left."""
    main = compute(cycle)
    winners = list(main.winners)
    unresolved, places = list(main.tied), main.places_left_for_tied
    rounds = []
    runoffs = db.session.scalars(
        sa.select(Runoff).where(Runoff.cycle_id == cycle.id).order_by(Runoff.round)
    ).all()
    for runoff in runoffs:
        result = compute(cycle, runoff.round)
        rounds.append((runoff, result))
        if runoff.decided_ids is not None:
            winners += runoff.decided_ids
            unresolved, places = [], 0
        elif runoff.closed_at is not None:
            winners += result.winners
            unresolved, places = list(result.tied), result.places_left_for_tied
        else:
            unresolved, places = list(runoff.nomination_ids), runoff.places
    return Outcome(main, rounds, winners, unresolved, places)


def open_runoff(cycle: Cycle, *, actor) -> Runoff:
    """Staff open a runoff among the candidates tied at the cutoff."""
    _refuse_unless_voting(cycle)
    state = outcome(cycle)
    if not state.main.quorum_met:
        raise CommitteeError(_l("No quorum yet."))
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
    _refuse_unless_voting(cycle)
    runoff = current_runoff(cycle)
    if runoff is None or runoff.closed_at is not None:
        raise CommitteeError(_l("No runoff is open."))
    result = compute(cycle, runoff.round)
    if not result.quorum_met:
        raise CommitteeError(
            _l(
                "Quorum not met: %(cast)d ballots of %(roster)d members, %(needed)d needed.",
                cast=result.ballots_cast,
                roster=result.roster_size,
                needed=result.quorum_needed,
            )
        )
    runoff.closed_at = now or utcnow()
    db.session.flush()
    record_event(
        "committee.runoff_closed",
        actor=actor,
        obj=cycle,
        after={"round": runoff.round, "still_tied": len(result.tied)},
    )
    return runoff


def record_chair_decision(cycle: Cycle, chosen: list[int], *, reason: str, actor) -> None:
    """The chair settles a tie that a runoff did not break (reason required)."""
    _refuse_unless_voting(cycle)
    runoff = current_runoff(cycle)
    state = outcome(cycle)
    if runoff is None or runoff.closed_at is None or runoff.decided_ids is not None:
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
    """Winners → selected, the other shortlisted → not selected; requires quorum, no tie."""
    if cycle.state is not CyclePhase.VOTING:
        raise CommitteeError(_l("Voting is not open."))
    if cycle.results_applied_at is not None:
        raise CommitteeError(_l("The results have already been applied."))
    state = outcome(cycle)
    main = state.main
    if not main.quorum_met:
        raise CommitteeError(
            _l(
                "Quorum not met: %(cast)d ballots of %(roster)d members, %(needed)d needed.",
                cast=main.ballots_cast,
                roster=main.roster_size,
                needed=main.quorum_needed,
            )
        )
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
    cycle.results_applied_at = now or utcnow()
    db.session.flush()
    record_event(
        "committee.results_applied", actor=actor, obj=cycle, after={"winners": sorted(winners)}
    )
    return sorted(winners)


@precondition(CyclePhase.NOTICE)
def _results_applied(cycle: Cycle, now: datetime) -> object | None:
    if cycle.results_applied_at is None:
        main = compute(cycle)
        if not main.quorum_met:
            return _l(
                "Quorum not met: %(cast)d ballots of %(roster)d members, %(needed)d needed.",
                cast=main.ballots_cast,
                roster=main.roster_size,
                needed=main.quorum_needed,
            )
        return _l("Apply the committee's results first.")
    return None


@on_enter(CyclePhase.NOTICE)
def _into_notice(cycle: Cycle, now: datetime, actor) -> None:
    for nomination in db.session.scalars(
        sa.select(Nomination).where(
            Nomination.cycle_id == cycle.id, Nomination.state == NominationState.SELECTED
        )
    ):
        transition_nomination(
            nomination, NominationState.IN_NOTICE, actor=actor, actor_kind=Actor.SYSTEM
        )
