"""The committee roster: members and chair, the readiness check, the freeze when voting
opens, conflicts and recusals; flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role, User
from app.audit.services import record_event
from app.committee.ballots import lock_cycle
from app.committee.models import CommitteeMember, Conflict, ConflictStatus
from app.committee.queries import conflicts_of, membership, roster
from app.committee.workflow import CommitteeError, refuse_if_frozen, refuse_unless_voting
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.services import transition_nomination
from app.nominations.workflow import Actor, NominationState
from app.programs.models import Cycle


def add_member(cycle: Cycle, user: User, *, chair: bool = False, actor) -> CommitteeMember:
    refuse_if_frozen(cycle)
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
    refuse_if_frozen(cycle)
    db.session.delete(member)
    db.session.flush()
    record_event(
        "committee.member_removed", actor=actor, obj=cycle, before={"user_id": member.user_id}
    )


def set_chair(cycle: Cycle, member: CommitteeMember, *, actor) -> None:
    refuse_if_frozen(cycle)
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


def declare_conflict(
    member: CommitteeMember, nomination: Nomination, *, reason: str, now: datetime | None = None
) -> None:
    """The member recuses on a candidate (reason required); logged. Recusals are frozen
    when the vote closes: a late one would change the figures by this member's ballot."""
    now = now or utcnow()
    refuse_unless_voting(lock_cycle(db.session.get(Cycle, member.cycle_id)), now)
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
    refuse_unless_voting(lock_cycle(db.session.get(Cycle, member.cycle_id)), now)
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
