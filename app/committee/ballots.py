"""Secret ballots: casting (versions, receipts), reminders, closing the vote with its tally
snapshot; flush, never commit.

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

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.committee import tally as tallying
from app.committee.models import (
    Ballot,
    BallotVersion,
    CommitteeMember,
    ConflictStatus,
    TallySnapshot,
)
from app.committee.queries import (
    candidates,
    compute,
    conflicts_of,
    current_runoff,
    open_round,
    recusals,
    roster,
)
from app.committee.workflow import (
    CommitteeError,
    quorum_refusal,
    refuse_unless_vote_phase,
    refuse_unless_voting,
    voting_closed,
)
from app.db_types import utcnow
from app.extensions import db
from app.notifications.services import notify
from app.programs.models import BallotRule, Cycle
from app.programs.periods import period_label
from app.programs.rules import cycle_rules
from app.programs.services import when_label
from app.programs.workflow import CyclePhase
from app.registry.models import HonoreeKind


def lock_cycle(cycle: Cycle) -> Cycle:
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
        refuse_unless_voting(cycle, now)
    else:  # an open runoff has no end date: staff close it
        refuse_unless_vote_phase(cycle)
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
    lock_cycle(cycle)
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


def store_result(cycle: Cycle, round_: int, result: tallying.TallyResult, now: datetime) -> None:
    db.session.add(
        TallySnapshot(
            cycle_id=cycle.id,
            round=round_,
            computed_at=now,
            result=tallying.result_to_json(result),
        )
    )
    db.session.flush()


def close_voting(cycle: Cycle, *, actor, now: datetime | None = None) -> tallying.TallyResult:
    """Close the main vote and compute its results once, from the final ballots.

    Staff close it, or `honors schedule` at `voting_ends_at`; refused without quorum
    (staff may then extend the voting window instead).
    """
    now = now or utcnow()
    lock_cycle(cycle)
    if cycle.state is not CyclePhase.VOTING:
        raise CommitteeError(_l("Voting is not open."))
    if voting_closed(cycle):
        raise CommitteeError(_l("Voting is already closed."))
    result = compute(cycle)
    if not result.quorum_met:
        raise quorum_refusal(result)
    cycle.voting_closed_at = now
    store_result(cycle, 0, result, now)
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
