"""`honors schedule` run across every date of a cycle (issue 13): it makes each dated move,
audits it as done by the schedule, tells staff once when the notice has ended, and leaves
every human decision (qualifying, appointing, applying results, publishing) to staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.committee import ballots, queries, results, roster
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notifications.models import Notification
from app.programs import services
from app.programs.models import Cadence, Cycle
from app.programs.workflow import CyclePhase
from app.registry.models import Honor
from app.vetting import services as vetting
from tests import factories

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass
class Run:
    """What the scenario saw: per schedule run, the state after it and its audit events."""

    cycle_id: int
    staff_id: int
    states: list[str] = field(default_factory=list)
    schedule_events: list[AuditEvent] = field(default_factory=list)
    staff_events: list[AuditEvent] = field(default_factory=list)
    observed: dict[str, object] = field(default_factory=dict)


def _stamp(moment: datetime) -> str:  # the format of `--now`
    return moment.strftime("%Y-%m-%dT%H:%M")


def _last_event_id() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))


def _events_after(event_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.id > event_id).order_by(AuditEvent.id)
        )
    )


def _nomination_states(cycle_id: int) -> list[str]:
    return [
        state.value
        for state in db.session.scalars(
            sa.select(Nomination.state)
            .where(Nomination.cycle_id == cycle_id)
            .order_by(Nomination.id)
        )
    ]


@pytest.fixture
def run(app, runner) -> Run:
    """One cycle from draft to the end of its notice: the schedule at each date (and just
    before the human steps are done), staff doing only the human steps in between."""
    now = utcnow().replace(second=0, microsecond=0)
    with app.app_context():
        program = factories.make_program(
            cadence=Cadence.IRREGULAR, public_review=True, quota=1
        )  # irregular: the schedule creates no other cycle of it
        cycle = factories.make_open_cycle(program)
        cycle.state = CyclePhase.DRAFT  # arranged directly: the schedule opens it
        cycle.nominations_open_at = now - 2 * HOUR
        cycle.nominations_close_at = now + HOUR
        cycle.review_starts_at = now + 2 * HOUR
        cycle.review_ends_at = now + 3 * HOUR
        cycle.voting_starts_at = now + 3 * HOUR
        cycle.voting_ends_at = now + 4 * HOUR
        cycle.notice_starts_at = now + 4 * HOUR
        cycle.notice_ends_at = now + 4 * HOUR + timedelta(days=7)
        staff = factories.make_user(Role.STAFF, username="calendar-staff")
        db.session.commit()
        result = Run(cycle_id=cycle.id, staff_id=staff.id)

    def schedule(moment: datetime) -> None:
        with app.app_context():
            last = _last_event_id()
        output = runner.invoke(args=["honors", "schedule", "--now", _stamp(moment)])
        assert output.exit_code == 0, output.output
        with app.app_context():
            result.schedule_events += _events_after(last)
            result.states.append(db.session.get(Cycle, result.cycle_id).state.value)

    def by_staff(step) -> None:
        with app.app_context():
            last = _last_event_id()
            cycle = db.session.get(Cycle, result.cycle_id)
            step(cycle, db.session.get(User, result.staff_id))
            db.session.commit()
            result.staff_events += _events_after(last)

    schedule(now)  # draft → nominating
    with app.app_context():
        cycle = db.session.get(Cycle, result.cycle_id)
        for i in range(2):
            factories.make_nomination(
                cycle, name=f"日程候选{i}", id_number=None, state=NominationState.SUBMITTED
            )
    schedule(now + HOUR + MINUTE)  # nominating → vetting
    schedule(now + 2 * HOUR + MINUTE)  # waits: nothing vetted
    with app.app_context():
        result.observed["unvetted"] = _nomination_states(result.cycle_id)

    def qualify(cycle, staff):
        for nomination in db.session.scalars(
            sa.select(Nomination).where(Nomination.cycle_id == cycle.id)
        ):
            vetting.qualify_nomination(nomination, actor=staff)

    by_staff(qualify)
    schedule(now + 2 * HOUR + 2 * MINUTE)  # vetting → public review
    schedule(now + 3 * HOUR + MINUTE)  # waits: no committee
    with app.app_context():
        cycle = db.session.get(Cycle, result.cycle_id)
        result.observed["roster_before_staff"] = len(queries.roster(cycle))

    with app.app_context():
        judge_ids = [
            factories.make_user(Role.COMMITTEE, username=f"calendar-judge{i}").id for i in range(3)
        ]

    def appoint(cycle, staff):
        for i, judge_id in enumerate(judge_ids):
            roster.add_member(cycle, db.session.get(User, judge_id), chair=i == 0, actor=staff)

    by_staff(appoint)
    schedule(now + 3 * HOUR + 2 * MINUTE)  # public review → voting
    with app.app_context():
        cycle = db.session.get(Cycle, result.cycle_id)
        (first, *_) = queries.candidates(cycle)
        for member in queries.roster(cycle):
            ballots.submit_ballot(
                cycle,
                member,
                ballots.BallotInput(approvals=[first.id]),
                secret="calendar",  # noqa: S106 # the receipt's key in this test
                now=now + 3 * HOUR + 30 * MINUTE,
            )
        db.session.commit()
    schedule(now + 4 * HOUR + MINUTE)  # voting closes, results not applied
    with app.app_context():
        cycle = db.session.get(Cycle, result.cycle_id)
        result.observed["after_vote"] = (
            cycle.voting_closed_at,
            cycle.results_applied_at,
            _nomination_states(cycle.id),
        )

    def apply_and_announce(cycle, staff):
        moment = now + 4 * HOUR + 2 * MINUTE
        results.apply_results(cycle, actor=staff, now=moment)
        services.transition_cycle(cycle, CyclePhase.NOTICE, actor=staff, now=moment)

    by_staff(apply_and_announce)
    with app.app_context():
        notice_end = db.session.get(Cycle, result.cycle_id).notice_ends_at
    schedule(notice_end - MINUTE)  # the notice runs
    schedule(notice_end + MINUTE)  # the notice has ended
    schedule(notice_end + 30 * MINUTE)  # and nothing more happens
    schedule(notice_end + timedelta(days=60))
    with app.app_context():
        cycle = db.session.get(Cycle, result.cycle_id)
        result.observed["end"] = (
            cycle.state,
            cycle.published_at,
            cycle.notice_ended_at,
            db.session.scalar(sa.select(sa.func.count()).select_from(Honor)),
        )
        result.observed["notice_end"] = notice_end
        result.observed["notifications"] = db.session.execute(
            sa.select(Notification.subject, Notification.body, Notification.link).where(
                Notification.user_id == result.staff_id
            )
        ).all()
        result.observed["code"] = cycle.program.name_zh
    return result


def test_schedule_across_a_cycles_dates_makes_each_dated_move(run):
    assert run.states == [
        "nominating",  # at the opening date
        "vetting",  # at the deadline
        "vetting",  # at the review's start, nothing vetted yet
        "public_review",  # once staff qualified
        "public_review",  # at the review's end, no committee yet
        "voting",  # once staff appointed it
        "voting",  # at voting's end: the vote closes, the phase stays
        "notice",  # (entered by staff) a minute before the notice ends
        "notice",  # the notice has ended
        "notice",
        "notice",  # two months later: still unpublished
    ]


def test_schedule_across_a_cycles_dates_audits_every_move_as_the_schedule(run):
    moves = [
        (e.action, (e.before or {}).get("state"), (e.after or {}).get("state"))
        for e in run.schedule_events
        if e.object_type == "cycles"
    ]
    assert moves == [
        ("cycle.transition", "draft", "nominating"),
        ("cycle.transition", "nominating", "vetting"),
        ("cycle.transition", "vetting", "public_review"),
        ("committee.frozen", None, None),
        ("cycle.transition", "public_review", "voting"),
        ("committee.reminded", None, None),  # the day before voting ends: non-voters told
        ("committee.voting_closed", None, None),
        ("cycle.notice_ended", None, None),
    ]
    assert {(e.actor_id, e.via) for e in run.schedule_events} == {(None, "schedule")}
    # The freeze at voting moves the candidates too, also on the schedule's account.
    assert [e.after for e in run.schedule_events if e.action == "nomination.transition"] == [
        {"state": "shortlisted"},
        {"state": "shortlisted"},
    ]
    assert {(e.actor_id, e.via) for e in run.staff_events} == {(run.staff_id, None)}


def test_schedule_across_a_cycles_dates_never_qualifies_appoints_applies_nor_publishes(run):
    assert run.observed["unvetted"] == ["submitted", "submitted"]
    assert run.observed["roster_before_staff"] == 0
    voting_closed_at, results_applied_at, states = run.observed["after_vote"]
    assert voting_closed_at is not None
    assert results_applied_at is None
    assert states == ["shortlisted", "shortlisted"]
    state, published_at, _ended, honors = run.observed["end"]
    assert (state, published_at, honors) == (CyclePhase.NOTICE, None, 0)
    actions = {e.action for e in run.schedule_events}
    assert actions == {
        "cycle.transition",
        "nomination.transition",
        "committee.frozen",
        "committee.reminded",
        "committee.voting_closed",
        "cycle.notice_ended",
    }


def test_schedule_at_notice_end_tells_staff_once_the_list_awaits_publication(run):
    notice_end = run.observed["notice_end"]
    _state, _published, ended_at, _honors = run.observed["end"]
    assert ended_at == notice_end + MINUTE
    ((subject, _body, link),) = run.observed["notifications"]
    assert (run.observed["code"] in subject, "2026年11月" in subject) == (True, True)
    assert link == f"/staff/cycles/{run.cycle_id}"
    (event,) = [e for e in run.schedule_events if e.action == "cycle.notice_ended"]
    assert event.after == {"notice_ends_at": notice_end.isoformat(), "waiting": []}


def test_notice_end_moved_after_the_schedule_noted_it_is_noted_again_at_the_new_end(ctx):
    from app.audit.services import SCHEDULE
    from app.notice.services import note_ended_notices

    staff = factories.make_user(Role.STAFF, username="notice-staff")
    cycle = factories.make_open_cycle()
    cycle.state = CyclePhase.NOTICE  # arranged directly: the phase under test
    start = utcnow().replace(microsecond=0) - timedelta(days=8)
    cycle.notice_starts_at, cycle.notice_ends_at = start, start + timedelta(days=7)
    db.session.commit()
    first = start + timedelta(days=7, minutes=5)
    assert note_ended_notices(first, SCHEDULE) == [
        f"notice ended {cycle.program.code} 2026-11: ready to publish"
    ]
    assert note_ended_notices(first + HOUR, SCHEDULE) == []
    services.update_cycle_dates(
        cycle, actor=staff, reason="An objection came in late.", notice_ends_at=first + HOUR
    )
    assert cycle.notice_ended_at is None
    assert note_ended_notices(first + 2 * HOUR, SCHEDULE) == [
        f"notice ended {cycle.program.code} 2026-11: ready to publish"
    ]
    assert cycle.notice_ended_at == first + 2 * HOUR
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Notification.user_id == staff.id)) == 2
    )
