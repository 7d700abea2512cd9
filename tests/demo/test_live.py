"""The demo's live cycles are lived through the services under the demo's clock
(app/demo/live.py): their rows carry the trail the services leave, dated in the cycle's
own time, never after the moment of loading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.committee.ballots import receipt_code
from app.committee.models import Ballot
from app.demo.services import load_demo
from app.extensions import db
from app.nominations.models import Nomination, NominationEvent, PhotoKind
from app.nominations.workflow import NominationState as S
from app.notice.models import Objection, ObjectionStatus
from app.notifications.models import Notification
from app.programs.models import Cycle, Program
from app.programs.workflow import CyclePhase
from app.registry.models import Honor
from app.review.models import Like, LikeBudget
from tests.demo import live_by_role

NOW = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)
SECRET = "demo-receipts"


@pytest.fixture
def live(app):
    """The demo loaded at NOW; yields its live cycles by role inside an app context."""
    with app.app_context():
        load_demo(now=NOW, upload_root=Path(app.instance_path) / "uploads", receipt_secret=SECRET)
        db.session.commit()
        yield live_by_role(NOW)


def _events(action: str, object_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )


def test_live_cycle_moves_are_audited_at_their_dates_in_phase_order(live):
    ready = live["ready"]
    moves = _events("cycle.transition", ready.id)
    assert [e.after["state"] for e in moves] == [
        "nominating",
        "vetting",
        "public_review",
        "voting",
        "notice",
    ]
    assert moves[0].at == ready.nominations_open_at
    assert moves[-1].at == ready.notice_starts_at
    assert [e.at for e in moves] == sorted(e.at for e in moves)
    assert all(e.at <= NOW for role in live for e in _events("cycle.transition", live[role].id))
    assert len(_events("cycle.created", ready.id)) == 1


def test_live_nominations_history_matches_their_state_and_each_move_is_audited(live):
    nominations = db.session.scalars(
        sa.select(Nomination).where(Nomination.cycle_id.in_([c.id for c in live.values()]))
    ).all()
    assert {n.state for n in nominations} == {
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.QUALIFIED,
        S.SHORTLISTED,
        S.IN_NOTICE,
    }
    for nomination in nominations:
        events = sorted(nomination.events, key=lambda e: (e.at, e.id))
        last = events[-1].to_state if events else S.DRAFT
        assert last is nomination.state
        assert len(_events("nomination.transition", nomination.id)) == len(events)
        assert all(e.at <= NOW for e in events)
        assert any(p.kind is PhotoKind.ID_PHOTO for p in nomination.photos)
        if nomination.state is not S.DRAFT:
            submitted = next(e for e in events if e.to_state is S.SUBMITTED)
            assert submitted.at == nomination.submitted_at


def test_live_returned_sample_has_its_reason_and_tells_its_unit_by_inbox(live):
    returned = db.session.scalar(sa.select(Nomination).where(Nomination.state == S.RETURNED))
    event = db.session.scalar(
        sa.select(NominationEvent).where(
            NominationEvent.nomination_id == returned.id, NominationEvent.to_state == S.RETURNED
        )
    )
    assert event.reason
    nominator = db.session.scalar(sa.select(User).where(User.username == "demo-nominator"))
    inbox = db.session.scalars(
        sa.select(Notification.link).where(Notification.user_id == nominator.id)
    ).all()
    assert f"/nominations/{returned.id}" in inbox


def test_live_ballots_have_receipts_that_verify_and_one_audit_line_each(live):
    cycle_ids = [live[role].id for role in ("voting", "notice", "ready")]
    ballots = db.session.scalars(sa.select(Ballot).where(Ballot.cycle_id.in_(cycle_ids))).all()
    assert len(ballots) == 3 + 7 + 7
    for ballot in ballots:
        assert ballot.receipt == receipt_code(SECRET, ballot.id, ballot.version, ballot.content)
        cycle = db.session.get(Cycle, ballot.cycle_id)
        assert cycle.voting_starts_at <= ballot.submitted_at <= NOW
    submitted = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "ballot.submitted", AuditEvent.object_id.in_(cycle_ids))
    )
    assert submitted == len(ballots)


def test_live_closed_votes_applied_results_at_the_vote_end(live):
    for role in ("notice", "ready"):
        cycle = live[role]
        assert cycle.voting_closed_at == cycle.voting_ends_at
        assert cycle.results_applied_at == cycle.voting_ends_at
        (applied,) = _events("committee.results_applied", cycle.id)
        assert applied.at == cycle.voting_ends_at


def test_live_likes_went_through_the_like_rule_within_the_review(live):
    review = live["review"]
    likes = db.session.scalars(sa.select(Like).where(Like.cycle_id == review.id)).all()
    assert len(likes) == 84
    assert all(review.review_starts_at <= like.created_at <= NOW for like in likes)
    assert len({(like.visitor_id, like.nomination_id, like.day) for like in likes}) == len(likes)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LikeBudget)) > 0


def test_live_dismissed_objection_is_resolved_by_staff_and_audited(live):
    objection = db.session.scalar(
        sa.select(Objection).where(Objection.cycle_id == live["ready"].id)
    )
    assert objection.status is ObjectionStatus.DISMISSED
    assert objection.created_at == live["ready"].notice_starts_at + timedelta(days=1, hours=3)
    assert objection.resolved_at <= NOW
    staff = db.session.scalar(sa.select(User).where(User.username == "demo-staff"))
    assert objection.resolved_by_id == staff.id
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "objection.resolved")
    )


def test_live_cycles_stay_in_the_phase_the_demo_shows(live):
    assert {role: c.state for role, c in live.items()} == {
        "nominating": CyclePhase.NOMINATING,
        "youth": CyclePhase.NOMINATING,
        "review": CyclePhase.PUBLIC_REVIEW,
        "voting": CyclePhase.VOTING,
        "notice": CyclePhase.NOTICE,
        "ready": CyclePhase.NOTICE,
    }


def test_history_lists_are_published_through_the_services_with_their_honors(live):
    cycle = db.session.scalar(
        sa.select(Cycle)
        .join(Program)
        .where(Program.code == "luohe_good", Cycle.period == "2026-09")
    )
    assert cycle.state is CyclePhase.PUBLISHED
    (published,) = _events("cycle.published", cycle.id)
    assert published.at == cycle.published_at
    assert published.after["honors"] == 4
    nominations = db.session.scalars(
        sa.select(Nomination).where(Nomination.cycle_id == cycle.id)
    ).all()
    assert len(nominations) == 4
    assert all(n.state is S.HONORED and n.honoree_id for n in nominations)
    honored = db.session.scalars(sa.select(Honor.honoree_id).where(Honor.cycle_id == cycle.id))
    assert set(honored) == {n.honoree_id for n in nominations}
    links = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "nomination.registry_linked",
            AuditEvent.object_id.in_([n.id for n in nominations]),
        )
    )
    assert links == 4
