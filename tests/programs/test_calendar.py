"""Dates act (issue 12): the staff dates form changes only what is typed anew, explains a
conflict next to its field and logs a running phase's new end with its reason; actions are
refused outside their phase's dates; `honors schedule` moves cycles whose dates came."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.committee import roster
from app.db_types import utcnow
from app.exceptions import WindowClosedError
from app.extensions import db
from app.nominations import services as nomination_services
from app.nominations.models import Channel, Nomination
from app.nominations.workflow import NominationState
from app.programs import services
from app.programs.models import Cycle, CycleDateChange, Program, ProgramCategory
from app.programs.workflow import CyclePhase
from app.registry.models import HonoreeKind
from app.review import services as review_services
from app.review.models import Like
from tests import factories
from tests.conftest import csrf_token

DATE_INPUT = re.compile(r'<input[^>]*name="(\w+_at)"[^>]*value="([^"]*)"')
# Stored dates carry seconds (a transition writes `now`); the form shows minutes.
T0 = datetime(2027, 3, 1, 1, 0, 17, 123456, tzinfo=UTC)


def _cycle(state: CyclePhase, public_review: bool = False, **fields) -> Cycle:
    program = factories.make_program(public_review=public_review)
    category = factories.make_category()
    program.categories.append(ProgramCategory(category=category))
    db.session.commit()
    return factories.make_cycle(program, state=state, **fields)


def _planned(**overrides) -> dict[str, datetime]:
    dates = {
        "nominations_open_at": T0,
        "nominations_close_at": T0 + timedelta(days=15),
        "voting_starts_at": T0 + timedelta(days=20),
        "voting_ends_at": T0 + timedelta(days=23),
        "notice_starts_at": T0 + timedelta(days=23),
        "notice_ends_at": T0 + timedelta(days=30),
    }
    dates.update(overrides)
    return dates


def _staff_page(app, login_as, cycle_id: int):
    staff = login_as(Role.STAFF)
    url = f"/staff/cycles/{cycle_id}"
    staff.get(url + "?lang=en")
    return staff, url, csrf_token(staff, url)


def _dates(app, cycle_id: int) -> dict[str, datetime | None]:
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        return {name: getattr(cycle, name) for name in services.DATE_FIELDS}


# The dates form


def test_dates_form_one_date_sent_changes_only_that_date(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT, **_planned()).id
    before = _dates(app, cycle_id)
    staff, url, token = _staff_page(app, login_as, cycle_id)
    response = staff.post(url, data={"csrf_token": token, "voting_ends_at": "2027-03-23T18:00"})
    assert response.status_code == 302
    after = _dates(app, cycle_id)
    assert after["voting_ends_at"] == datetime(2027, 3, 23, 10, 0, tzinfo=UTC)
    assert {k: v for k, v in after.items() if k != "voting_ends_at"} == {
        k: v for k, v in before.items() if k != "voting_ends_at"
    }


def test_dates_form_resubmitted_as_shown_changes_nothing(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT, **_planned()).id
    before = _dates(app, cycle_id)
    staff, url, token = _staff_page(app, login_as, cycle_id)
    shown = dict(DATE_INPUT.findall(staff.get(url).get_data(as_text=True)))
    assert shown["nominations_open_at"] == "2027-03-01T09:00"
    response = staff.post(url, data={"csrf_token": token, **shown})
    assert response.status_code == 302
    assert _dates(app, cycle_id) == before
    with app.app_context():
        assert (
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "cycle.dates_changed")
            ).all()
            == []
        )


def test_dates_form_conflict_with_a_later_date_shown_next_to_the_changed_field(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT, **_planned()).id
    staff, url, token = _staff_page(app, login_as, cycle_id)
    html = staff.post(
        url, data={"csrf_token": token, "nominations_close_at": "2027-03-25T09:00"}
    ).get_data(as_text=True)
    assert (
        'id="nominations_close_at-error">Must not be later than “Voting starts” '
        "(2027-03-21 09:00).</p>"
    ) in html
    assert 'value="2027-03-25T09:00"' in html
    assert _dates(app, cycle_id)["nominations_close_at"] == T0 + timedelta(days=15)


def test_dates_form_planned_notice_shorter_than_seven_days_refused(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT, **_planned()).id
    staff, url, token = _staff_page(app, login_as, cycle_id)
    html = staff.post(
        url, data={"csrf_token": token, "notice_ends_at": "2027-03-27T09:00"}
    ).get_data(as_text=True)
    assert (
        'id="notice_ends_at-error">A public notice lasts at least 7 days: it cannot end '
        "before 2027-03-31 09:00.</p>"
    ) in html
    assert _dates(app, cycle_id)["notice_ends_at"] == T0 + timedelta(days=30)


def test_dates_of_a_finished_phase_refused(ctx):
    cycle = _cycle(CyclePhase.VETTING, **_planned())
    with pytest.raises(services.CycleDatesError) as refused:
        services.update_cycle_dates(
            cycle,
            actor=None,
            reason="reopen",
            nominations_close_at=T0 + timedelta(days=18),
        )
    assert refused.value.field == "nominations_close_at"


def test_running_deadline_extended_with_reason_is_logged(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.NOMINATING, **_planned()).id
    staff, url, token = _staff_page(app, login_as, cycle_id)
    html = staff.post(
        url, data={"csrf_token": token, "nominations_close_at": "2027-03-18T09:00"}
    ).get_data(as_text=True)
    assert 'id="reason-error">Give the reason for moving the end of a running phase' in html
    response = staff.post(
        url,
        data={
            "csrf_token": token,
            "nominations_close_at": "2027-03-18T09:00",
            "reason": "Flood: the townships asked for three more days.",
        },
    )
    assert response.status_code == 302
    new_close = datetime(2027, 3, 18, 1, 0, tzinfo=UTC)
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).nominations_close_at == new_close
        change = db.session.scalars(sa.select(CycleDateChange)).one()
        assert (change.field, change.previous_at, change.new_at) == (
            "nominations_close_at",
            T0 + timedelta(days=15),
            new_close,
        )
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "cycle.dates_changed")
        ).one()
        assert event.reason == "Flood: the townships asked for three more days."
        assert event.before == {"nominations_close_at": (T0 + timedelta(days=15)).isoformat()}
        assert event.after == {"nominations_close_at": new_close.isoformat()}


def test_running_phase_start_change_refused(ctx):
    cycle = _cycle(CyclePhase.NOMINATING, **_planned())
    with pytest.raises(services.CycleDatesError) as refused:
        services.update_cycle_dates(
            cycle, actor=None, reason="x", nominations_open_at=T0 + timedelta(days=1)
        )
    assert refused.value.field == "nominations_open_at"


def test_voting_end_extended_with_reason_and_planned_notice_moved_along(ctx):
    cycle = _cycle(CyclePhase.VOTING, **_planned())
    services.update_cycle_dates(
        cycle,
        actor=None,
        reason="Two judges abroad.",
        voting_ends_at=T0 + timedelta(days=24),
        notice_starts_at=T0 + timedelta(days=24),
        notice_ends_at=T0 + timedelta(days=31),
    )
    assert (cycle.voting_ends_at, cycle.notice_starts_at, cycle.notice_ends_at) == (
        T0 + timedelta(days=24),
        T0 + timedelta(days=24),
        T0 + timedelta(days=31),
    )
    assert db.session.scalars(sa.select(CycleDateChange.field)).all() == ["voting_ends_at"]


def test_voting_end_moved_past_planned_notice_start_refused_next_to_it(ctx):
    cycle = _cycle(CyclePhase.VOTING, **_planned())
    with pytest.raises(services.CycleDatesError) as refused:
        services.update_cycle_dates(
            cycle, actor=None, reason="late", voting_ends_at=T0 + timedelta(days=24)
        )
    assert refused.value.field == "voting_ends_at"


# The notice's minimum length


def test_notice_length_never_under_seven_days(ctx):
    assert services.notice_length(Program(notice_days=3)) == timedelta(days=7)
    assert services.notice_length(Program(notice_days=10)) == timedelta(days=10)


def test_program_with_notice_under_seven_days_refused_by_the_database(ctx):
    with pytest.raises(sa.exc.IntegrityError):
        factories.make_program(notice_days=5)
    db.session.rollback()


def test_entering_notice_keeps_a_later_planned_end(ctx):
    cycle = _cycle(CyclePhase.VOTING, results_applied_at=utcnow())
    planned_end = utcnow() + timedelta(days=9)
    cycle.notice_ends_at = planned_end
    now = utcnow()
    services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None, now=now)
    assert (cycle.notice_starts_at, cycle.notice_ends_at) == (now, planned_end)


def test_voting_opened_before_planned_dates_records_actual_review_end_and_voting_start(ctx):
    cycle = factories.make_open_cycle(factories.make_program(public_review=True))
    factories.make_nomination(cycle, state=NominationState.QUALIFIED)
    cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
    services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
    for i in range(3):
        judge = factories.make_user(Role.COMMITTEE, username=f"early-judge{i}")
        roster.add_member(cycle, judge, chair=i == 0, actor=None)
    now = utcnow()
    cycle.review_starts_at = now + timedelta(days=1)
    cycle.review_ends_at = now + timedelta(days=2)
    cycle.voting_starts_at = now + timedelta(days=2)
    services.transition_cycle(cycle, CyclePhase.PUBLIC_REVIEW, actor=None, now=now)
    assert cycle.review_starts_at == now
    later = now + timedelta(hours=3)
    services.transition_cycle(cycle, CyclePhase.VOTING, actor=None, now=later)
    assert (cycle.review_ends_at, cycle.voting_starts_at) == (later, later)
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "cycle.transition")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.after == {
        "state": "voting",
        "review_ends_at": later.isoformat(),
        "voting_starts_at": later.isoformat(),
    }


# Actions outside their window


def test_nomination_started_after_deadline_refused_naming_it(ctx):
    deadline = utcnow() - timedelta(hours=1)
    cycle = factories.make_open_cycle(close=deadline)
    assert cycle.state is CyclePhase.NOMINATING  # no clerk pressed the button
    with pytest.raises(WindowClosedError) as refused:
        nomination_services.create_nomination(
            cycle=cycle,
            organisation=factories.make_org(),
            channel=Channel.UNIT,
            data=nomination_services.CandidateData(
                kind=HonoreeKind.INDIVIDUAL,
                category_id=cycle.program.categories[0].category_id,
            ),
            actor=None,
        )
    assert refused.value.closed_at == deadline
    assert refused.value.field == "cycle_id"


def test_nomination_submitted_after_deadline_refused_naming_it(ctx):
    cycle = factories.make_open_cycle()
    nomination = factories.make_nomination(cycle)
    deadline = utcnow() - timedelta(minutes=1)
    cycle.nominations_close_at = deadline
    with pytest.raises(WindowClosedError) as refused:
        nomination_services.submit_nomination(nomination, actor=None)
    assert refused.value.closed_at == deadline
    assert nomination.state is NominationState.DRAFT


@pytest.fixture
def review_cycle(app):
    with app.app_context():
        program = factories.make_program(public_review=True)
        cycle = factories.make_open_cycle(program)
        nomination = factories.make_nomination(
            cycle, name="评议候选", id_number=None, state=NominationState.QUALIFIED
        )
        cycle.state = CyclePhase.PUBLIC_REVIEW  # arranged directly: the phase under test
        cycle.review_starts_at = utcnow() - timedelta(days=5)
        cycle.review_ends_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        return cycle.id, nomination.id


def test_like_after_review_end_answers_polite_page_naming_the_end(app, client, review_cycle):
    cycle_id, nomination_id = review_cycle
    client.get("/review?lang=en")
    token = csrf_token(client, "/review")
    response = client.post(f"/review/{nomination_id}/like", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    with app.app_context():
        end = db.session.get(Cycle, cycle_id).review_ends_at
    stamp = end.astimezone(services.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    assert f"The public review ended at {stamp}; likes are no longer counted." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 0


def test_like_before_review_start_refused(app, review_cycle):
    cycle_id, nomination_id = review_cycle
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        cycle.review_starts_at = utcnow() + timedelta(days=1)
        cycle.review_ends_at = utcnow() + timedelta(days=6)
        nomination = db.session.get(Nomination, nomination_id)
        with pytest.raises(WindowClosedError) as refused:
            review_services.add_like(nomination, visitor_id="v", ip="198.51.100.9")
        assert refused.value.opens_at == cycle.review_starts_at


# `honors schedule`


def test_schedule_closes_nominations_at_the_deadline(app, runner):
    with app.app_context():
        cycle = _cycle(CyclePhase.NOMINATING, **_planned())
        cycle_id, code = cycle.id, cycle.program.code
    early = runner.invoke(args=["honors", "schedule", "--now", "2027-03-16T00:59"])
    assert f"moved {code}" not in early.output
    assert _state(app, cycle_id) is CyclePhase.NOMINATING
    result = runner.invoke(args=["honors", "schedule", "--now", "2027-03-16T01:01"])
    assert result.exit_code == 0, result.output
    assert f"moved {code} 2026-11 nominating → vetting" in result.output
    assert _state(app, cycle_id) is CyclePhase.VETTING
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "cycle.transition")
        ).one()
        assert (event.before, event.after, event.actor_id, event.via) == (
            {"state": "nominating"},
            {"state": "vetting"},
            None,
            "schedule",
        )


def test_schedule_opens_a_draft_at_its_opening_date(app, runner):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT, **_planned()).id
    runner.invoke(args=["honors", "schedule", "--now", "2027-03-01T00:59"])
    assert _state(app, cycle_id) is CyclePhase.DRAFT
    runner.invoke(args=["honors", "schedule", "--now", "2027-03-01T01:01"])
    assert _state(app, cycle_id) is CyclePhase.NOMINATING


def test_schedule_ends_public_review_at_its_end_when_the_committee_is_ready(app, runner):
    with app.app_context():
        cycle = factories.make_open_cycle(factories.make_program(public_review=True))
        factories.make_nomination(cycle, state=NominationState.QUALIFIED)
        cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
        services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
        for i in range(3):
            judge = factories.make_user(Role.COMMITTEE, username=f"calendar-judge{i}")
            roster.add_member(cycle, judge, chair=i == 0, actor=None)
        services.transition_cycle(cycle, CyclePhase.PUBLIC_REVIEW, actor=None)
        cycle.review_ends_at = utcnow() + timedelta(hours=1)
        db.session.commit()
        cycle_id = cycle.id
    runner.invoke(args=["honors", "schedule"])
    assert _state(app, cycle_id) is CyclePhase.PUBLIC_REVIEW
    later = (utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    result = runner.invoke(args=["honors", "schedule", "--now", later])
    assert "public_review → voting" in result.output
    assert _state(app, cycle_id) is CyclePhase.VOTING


def test_schedule_waits_when_vetting_is_unfinished_and_says_why(app, runner):
    with app.app_context():
        cycle = factories.make_open_cycle(factories.make_program(public_review=True))
        factories.make_nomination(cycle, state=NominationState.SUBMITTED)
        cycle.state = CyclePhase.VETTING  # arranged directly: deadline passed, not yet vetted
        cycle.review_starts_at = utcnow() - timedelta(hours=1)
        cycle.review_ends_at = utcnow() + timedelta(days=5)
        db.session.commit()
        cycle_id, code = cycle.id, cycle.program.code
    result = runner.invoke(args=["honors", "schedule"])
    assert f"waiting {code} 2026-11 vetting → public_review" in result.output
    assert _state(app, cycle_id) is CyclePhase.VETTING


def test_schedule_never_leaves_voting_nor_publishes_after_every_date(app, runner):
    with app.app_context():
        voting = _cycle(CyclePhase.VOTING, **_planned()).id
        notice = _cycle(CyclePhase.NOTICE, **_planned()).id
    runner.invoke(args=["honors", "schedule", "--now", "2027-06-01T00:00"])
    assert _state(app, voting) is CyclePhase.VOTING
    assert _state(app, notice) is CyclePhase.NOTICE
    with app.app_context():
        for cycle_id in (voting, notice):
            cycle = db.session.get(Cycle, cycle_id)
            assert (cycle.results_applied_at, cycle.published_at) == (None, None)


def _state(app, cycle_id: int) -> CyclePhase:
    with app.app_context():
        return db.session.get(Cycle, cycle_id).state
