"""Cycle scheduling and phase moves with their preconditions (SPEC §3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.db_types import utcnow
from app.extensions import db
from app.nominations.workflow import NominationState
from app.programs import services
from app.programs.models import Cadence, Cycle, ProgramCategory
from app.programs.workflow import CyclePhase, TransitionError
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def programs(ctx):
    made = {}
    for cadence in (Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.ANNUAL, Cadence.BIENNIAL):
        made[cadence] = factories.make_program(code=cadence.value, cadence=cadence)
    factories.make_program(code="ext", cadence=Cadence.IRREGULAR, external=True)
    return made


def test_schedule_creates_due_cycles_once(programs):
    created = services.schedule_cycles(today=date(2026, 11, 30))
    db.session.commit()
    assert sorted((c.program.code, c.period) for c in created) == [
        ("annual", "2025"),  # held in 2026, after the year it honours
        ("monthly", "2026-11"),
        ("quarterly", "2026-Q4"),
    ]
    assert services.schedule_cycles(today=date(2026, 11, 30)) == []


def test_schedule_until_and_biennial(programs):
    created = services.schedule_cycles(today=date(2026, 11, 30), until=date(2027, 2, 1))
    periods = sorted((c.program.code, c.period) for c in created)
    assert ("biennial", "2027") in periods
    assert ("monthly", "2027-02") in periods and ("monthly", "2026-12") in periods
    assert ("quarterly", "2027-Q1") in periods
    assert [p for code, p in periods if code == "annual"] == ["2025", "2026"]
    assert not any(code == "ext" for code, _p in periods)


def test_schedule_phase_dates_follow_template(programs):
    (cycle,) = [
        c for c in services.schedule_cycles(today=date(2026, 11, 5)) if c.program.code == "monthly"
    ]
    assert cycle.state is CyclePhase.DRAFT
    assert cycle.reference_date == date(2026, 11, 1)
    # 2026-11-01 00:00 Beijing time is 2026-10-31 16:00 UTC.
    assert cycle.nominations_open_at.isoformat() == "2026-10-31T16:00:00+00:00"
    assert cycle.nominations_close_at - cycle.nominations_open_at == timedelta(days=15)
    assert cycle.notice_ends_at - cycle.notice_starts_at == timedelta(days=7)


def test_schedule_after_the_nomination_window_closed_starts_the_cycle_today_at_full_length(
    programs,
):
    category = factories.make_category()
    programs[Cadence.MONTHLY].categories.append(ProgramCategory(category=category))
    created = services.schedule_cycles(today=date(2026, 11, 30))
    (cycle,) = [c for c in created if c.program.code == "monthly"]
    assert (cycle.period, cycle.reference_date) == ("2026-11", date(2026, 11, 1))
    # 2026-11-30 00:00 Beijing time is 2026-11-29 16:00 UTC.
    assert cycle.nominations_open_at.isoformat() == "2026-11-29T16:00:00+00:00"
    assert cycle.nominations_close_at - cycle.nominations_open_at == timedelta(days=15)
    assert cycle.notice_ends_at - cycle.notice_starts_at == timedelta(days=7)
    assert services.refusals(cycle, CyclePhase.NOMINATING, now=cycle.nominations_open_at) == []


def test_schedule_annual_cycle_in_early_2027_honours_2026_and_opens_on_new_year(programs):
    created = services.schedule_cycles(today=date(2027, 1, 5))
    (cycle,) = [c for c in created if c.program.code == "annual"]
    assert (cycle.period, cycle.reference_date) == ("2026", date(2026, 1, 1))
    # 2027-01-01 00:00 Beijing time is 2026-12-31 16:00 UTC.
    assert cycle.nominations_open_at.isoformat() == "2026-12-31T16:00:00+00:00"
    assert cycle.nominations_close_at - cycle.nominations_open_at == timedelta(days=15)


def test_schedule_annual_program_not_held_after_its_year_when_its_template_says_so(programs):
    programs[Cadence.ANNUAL].phase_template = {"held_after_period": False}
    created = services.schedule_cycles(today=date(2027, 1, 5))
    (cycle,) = [c for c in created if c.program.code == "annual"]
    assert (cycle.period, cycle.nominations_open_at.isoformat()) == (
        "2027",
        "2026-12-31T16:00:00+00:00",
    )


def test_schedule_command(app, runner, programs):
    result = runner.invoke(args=["honors", "schedule", "--today", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "3 cycle(s) created" in result.output
    again = runner.invoke(args=["honors", "schedule", "--today", "2026-11-30"])
    assert "0 cycle(s) created" in again.output


def _cycle(state, **fields):
    program = factories.make_program(public_review=fields.pop("public_review", False))
    category = factories.make_category()
    program.categories.append(ProgramCategory(category=category))
    db.session.commit()
    return factories.make_cycle(program, state=state, **fields)


def test_open_nominations_needs_future_deadline(ctx):
    cycle = _cycle(CyclePhase.DRAFT, nominations_close_at=utcnow() - timedelta(days=1))
    with pytest.raises(TransitionError, match="截止时间"):
        services.transition_cycle(cycle, CyclePhase.NOMINATING, actor=None)
    cycle.nominations_close_at = utcnow() + timedelta(days=3)
    services.transition_cycle(cycle, CyclePhase.NOMINATING, actor=None)
    assert cycle.state is CyclePhase.NOMINATING


def test_close_nominations_refused_before_deadline(ctx):
    cycle = _cycle(CyclePhase.NOMINATING, nominations_close_at=utcnow() + timedelta(days=3))
    with pytest.raises(TransitionError, match="推荐截止时间为"):
        services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)


def test_vetting_cycle_closes_unlisted_only_once_no_nomination_awaits_or_stands(ctx):
    cycle = factories.make_open_cycle()
    nomination = factories.make_nomination(cycle, state=NominationState.SUBMITTED)
    factories.make_nomination(cycle, name="王草稿", id_number=factories.valid_id_number(seq="456"))
    cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
    services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
    with pytest.raises(TransitionError, match="还有 1 条推荐"):
        services.transition_cycle(cycle, CyclePhase.CLOSED, actor=None)
    nomination.state = NominationState.NOT_QUALIFIED
    services.transition_cycle(cycle, CyclePhase.CLOSED, actor=None)
    assert (cycle.state, cycle.published_at) == (CyclePhase.CLOSED, None)


def test_staff_close_a_draft_unlisted_through_the_cycle_page_and_it_stays_off_the_public_site(
    app, login_as
):
    with app.app_context():
        cycle = _cycle(CyclePhase.DRAFT, period="2026-08")
        cycle_id, code = cycle.id, cycle.program.code
    client = login_as(Role.STAFF)
    page = client.get(f"/staff/cycles/{cycle_id}?lang=en").get_data(as_text=True)
    assert "Close without a list" in page
    token = csrf_token(client, f"/staff/cycles/{cycle_id}")
    response = client.post(
        f"/staff/cycles/{cycle_id}/move", data={"csrf_token": token, "target": "closed"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.CLOSED
        assert db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "cycle.transition", AuditEvent.object_id == cycle_id)
        )
    assert client.get(f"/cycles/{code}/2026-08").status_code == 404


def test_leave_vetting_refused_with_unvetted_or_no_qualified(ctx):
    cycle = factories.make_open_cycle()
    nomination = factories.make_nomination(cycle, state=NominationState.SUBMITTED)
    cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
    services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
    with pytest.raises(TransitionError, match="尚未完成资格审查"):
        services.transition_cycle(cycle, CyclePhase.VOTING, actor=None)
    from app.nominations import services as nomination_services
    from app.nominations.workflow import Actor

    nomination_services.transition_nomination(
        nomination, NominationState.NOT_QUALIFIED, actor=None, actor_kind=Actor.STAFF, reason="x"
    )
    with pytest.raises(TransitionError, match="没有审查通过"):
        services.transition_cycle(cycle, CyclePhase.VOTING, actor=None)


def test_skipping_phases_refused(ctx):
    cycle = _cycle(CyclePhase.NOMINATING)
    with pytest.raises(TransitionError):
        services.transition_cycle(cycle, CyclePhase.PUBLISHED, actor=None)


def test_entering_notice_sets_the_notice_period(ctx):
    cycle = _cycle(CyclePhase.VOTING)
    with pytest.raises(TransitionError, match="评审结果"):
        services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
    cycle.results_applied_at = utcnow()
    services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
    assert cycle.notice_ends_at - cycle.notice_starts_at == timedelta(days=7)
    with pytest.raises(TransitionError, match="公示期至"):
        services.transition_cycle(cycle, CyclePhase.PUBLISHED, actor=None)
    services.transition_cycle(
        cycle, CyclePhase.PUBLISHED, actor=None, now=cycle.notice_ends_at + timedelta(seconds=1)
    )
    services.transition_cycle(cycle, CyclePhase.CLOSED, actor=None)
    assert cycle.state is CyclePhase.CLOSED


def test_staff_moves_cycle_through_web_and_it_is_logged(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT, nominations_close_at=utcnow() + timedelta(days=9)).id
    staff = login_as(Role.STAFF)
    page = staff.get(f"/staff/cycles/{cycle_id}").get_data(as_text=True)
    assert 'name="target" value="nominating"' in page
    token = csrf_token(staff, f"/staff/cycles/{cycle_id}")
    response = staff.post(
        f"/staff/cycles/{cycle_id}/move", data={"csrf_token": token, "target": "nominating"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.NOMINATING
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "cycle.transition", AuditEvent.object_id == cycle_id
            )
        )
        assert event.before == {"state": "draft"} and event.after == {"state": "nominating"}
        assert event.actor_id is not None


def test_refused_move_shows_reason(app, login_as):
    with app.app_context():
        cycle_id = _cycle(
            CyclePhase.NOMINATING, nominations_close_at=utcnow() + timedelta(days=2)
        ).id
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/cycles/{cycle_id}")
    response = staff.post(
        f"/staff/cycles/{cycle_id}/move",
        data={"csrf_token": token, "target": "vetting"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "推荐截止时间为" in html
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.NOMINATING


def test_cycle_dates_out_of_order_refused_next_to_the_later_date(app, login_as):
    with app.app_context():
        cycle_id = _cycle(CyclePhase.DRAFT).id
    staff = login_as(Role.STAFF)
    staff.get(f"/staff/cycles/{cycle_id}?lang=en")
    token = csrf_token(staff, f"/staff/cycles/{cycle_id}")
    html = staff.post(
        f"/staff/cycles/{cycle_id}",
        data={
            "csrf_token": token,
            "nominations_open_at": "2026-12-10T09:00",
            "nominations_close_at": "2026-12-01T09:00",
        },
    ).get_data(as_text=True)
    assert (
        'id="nominations_close_at-error">Must not be earlier than “Nominations open” '
        "(2026-12-10 09:00).</p>"
    ) in html
    assert 'value="2026-12-10T09:00"' in html
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        assert (cycle.nominations_open_at, cycle.nominations_close_at) == (None, None)
