"""Calls and reminders: the call for nominations when a cycle opens, drafts reminded
before the deadline, non-voters a day before voting closes, staff alerted to objections
and public recommendations; each sent once however often `honors schedule` runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.services import SCHEDULE
from app.committee import ballots
from app.committee.models import CommitteeMember
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notice import services as notice
from app.notifications.models import Notification, OutgoingMail, ReminderSent
from app.orgs.models import OrgKind
from app.programs import services as cycles
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests import factories
from tests.committee.conftest import build
from tests.notifications.test_digests import _recommend

NOW = utcnow().replace(microsecond=0)  # factories check windows against the clock


def _inbox(username: str) -> list[tuple[str, str | None]]:
    from app.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.username == username))
    return [
        (n.subject, n.link)
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


def test_call_for_nominations_reaches_each_active_unit_with_nominators_once(app, ctx):
    active = factories.make_org(name="有提名人社区")
    closed = factories.make_org(name="撤销社区")
    closed.is_active = False
    no_one = factories.make_org(name="无账号社区")
    idle = factories.make_org(name="账号停用社区")
    first = factories.make_user(Role.NOMINATOR, username="call-a1", organisation=active)
    first.email = "a1@luohe.invalid"
    factories.make_user(Role.NOMINATOR, username="call-a2", organisation=active)
    factories.make_user(Role.NOMINATOR, username="call-closed", organisation=closed)
    factories.make_user(Role.NOMINATOR, username="call-idle", organisation=idle, is_active=False)
    factories.make_user(Role.STAFF, username="call-staff", organisation=no_one)
    program = factories.make_open_cycle().program  # a program with a category
    cycle = factories.make_cycle(
        program,
        period="2026-12",
        state=CyclePhase.DRAFT,
        nominations_open_at=NOW - timedelta(hours=1),
        nominations_close_at=NOW + timedelta(days=14),
    )
    db.session.commit()

    cycles.transition_cycle(cycle, CyclePhase.NOMINATING, actor=SCHEDULE, now=NOW)
    db.session.commit()

    [(subject, link)] = _inbox("call-a1")
    assert (program.name_zh in subject, link) == (True, f"/nominations/new/{cycle.id}")
    assert _inbox("call-a2") == _inbox("call-a1")
    assert (_inbox("call-closed"), _inbox("call-idle"), _inbox("call-staff")) == ([], [], [])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 1
    assert db.session.scalars(sa.select(ReminderSent.target_id)).all() == [active.id]
    from app.nominations.reminders import call_for_nominations

    assert call_for_nominations(cycle, NOW, SCHEDULE) == 0  # entered again: no second call
    assert len(_inbox("call-a1")) == 1


def _nominating_cycle(close: datetime) -> tuple[Cycle, int, int]:
    drafting = factories.make_org(name="草稿社区")
    done = factories.make_org(name="已提交社区")
    factories.make_user(Role.NOMINATOR, username="draft-nom", organisation=drafting)
    factories.make_user(Role.NOMINATOR, username="done-nom", organisation=done)
    cycle = factories.make_open_cycle(close=close)
    factories.make_nomination(cycle, organisation=drafting, name="草稿一")
    factories.make_nomination(
        cycle,
        organisation=done,
        name="已提交",
        id_number=factories.valid_id_number(seq="222"),
        state=NominationState.SUBMITTED,
    )
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    return cycle, drafting.id, done.id


def test_units_with_drafts_are_reminded_once_three_days_before_the_deadline(app, ctx):
    close = NOW + timedelta(days=2, hours=23)
    cycle, drafting_id, _ = _nominating_cycle(close)
    lines_early = cycles.run_scheduled(now=NOW - timedelta(days=1), actor=SCHEDULE)
    assert _inbox("draft-nom") == []
    lines = cycles.run_scheduled(now=NOW, actor=SCHEDULE)
    db.session.commit()
    again = cycles.run_scheduled(now=NOW + timedelta(minutes=5), actor=SCHEDULE)
    db.session.commit()
    assert [line for line in lines_early if line.startswith("drafts")] == []
    assert [line for line in lines if line.startswith("drafts")] == [
        f"drafts reminded {cycle.program.code} {cycle.period}: 1 unit(s)"
    ]
    assert [line for line in again if line.startswith("drafts")] == []
    [(subject, link)] = _inbox("draft-nom")
    assert (cycle.program.name_zh in subject, link) == (True, "/nominations/")
    assert _inbox("done-nom") == []
    assert db.session.scalars(sa.select(ReminderSent.target_id)).all() == [drafting_id]


def test_the_draft_reminder_days_come_from_config(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "DRAFT_REMINDER_DAYS", 5)
    _nominating_cycle(NOW + timedelta(days=4, hours=1))
    cycles.run_scheduled(now=NOW, actor=SCHEDULE)
    assert len(_inbox("draft-nom")) == 1


def test_non_voters_are_reminded_once_a_day_before_voting_closes(app, ctx):
    setup = build(members=3)
    cycle = db.session.get(Cycle, setup.cycle_id)
    cycle.voting_ends_at = NOW + timedelta(hours=20)
    db.session.commit()
    member = db.session.get(CommitteeMember, setup.member_ids[0])
    ballots.submit_ballot(
        cycle, member, ballots.BallotInput(approvals=setup.candidate_ids[:1]), secret="s"
    )
    db.session.commit()
    early = cycles.run_scheduled(now=NOW - timedelta(hours=5), actor=SCHEDULE)
    first = cycles.run_scheduled(now=NOW, actor=SCHEDULE)
    db.session.commit()
    second = cycles.run_scheduled(now=NOW + timedelta(minutes=5), actor=SCHEDULE)
    label = f"{cycle.program.code} {cycle.period}"
    assert [line for line in early if line.startswith("ballots")] == []
    assert [line for line in first if line.startswith("ballots")] == [
        f"ballots reminded {label}: 2 member(s)"
    ]
    assert [line for line in second if line.startswith("ballots")] == []
    reminded = [len(_inbox(name)) for name in setup.member_usernames]
    assert reminded == [0, 1, 1]


def test_staff_are_alerted_to_public_recommendations_in_one_counting_entry(app, ctx):
    staff = factories.make_user(Role.STAFF, username="alert-staff")
    staff.email = "staff@luohe.invalid"
    factories.make_user(Role.NOMINATOR, username="alert-nom")
    db.session.commit()
    first = _recommend("甲")
    _recommend("乙")
    db.session.commit()
    [(subject, link)] = _inbox("alert-staff")
    assert (link, "2" in subject) == ("/staff/recommendations/", True)
    assert _inbox("alert-nom") == []
    mails = db.session.scalars(sa.select(OutgoingMail.link).order_by(OutgoingMail.id)).all()
    assert mails == [f"/staff/recommendations/{first.id}", f"/staff/recommendations/{first.id + 1}"]


def test_staff_are_alerted_to_new_objections_in_one_counting_entry(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        nomination = db.session.get(Nomination, in_notice.candidate_ids[0])
        for text in ("第一条异议。", "第二条异议。"):
            notice.file_objection(
                nomination,
                content=text,
                contact=None,
                evidence=None,
                root=Path(app.instance_path),
                now=cycle.notice_starts_at + timedelta(hours=1),
            )
        db.session.commit()
        [(subject, link)] = _inbox(in_notice.staff_username)
        assert (link, "2" in subject, cycle.program.name_zh in subject) == (
            "/staff/objections/",
            True,
            True,
        )


def test_a_pupils_program_calls_the_schools_with_nominators_only(app, ctx):
    school = factories.make_org(name="实验小学", kind=OrgKind.SCHOOL)
    community = factories.make_org(name="社区甲")
    factories.make_user(Role.NOMINATOR, username="school-nom", organisation=school)
    factories.make_user(Role.NOMINATOR, username="community-nom", organisation=community)
    program = factories.make_open_cycle().program
    program.age_max = 18
    cycle = factories.make_cycle(
        program,
        period="2026-12",
        state=CyclePhase.DRAFT,
        nominations_open_at=NOW - timedelta(hours=1),
        nominations_close_at=NOW + timedelta(days=14),
    )
    db.session.commit()
    cycles.transition_cycle(cycle, CyclePhase.NOMINATING, actor=SCHEDULE, now=NOW)
    db.session.commit()
    assert (len(_inbox("school-nom")), len(_inbox("community-nom"))) == (1, 0)


def test_remember_once_is_true_only_the_first_time_for_a_cycle_kind_and_target(app, ctx):
    from app.notifications.services import remember_once

    cycle = factories.make_open_cycle()
    answers = [
        remember_once(cycle.id, "drafts", 5, now=NOW),
        remember_once(cycle.id, "drafts", 5, now=NOW),
        remember_once(cycle.id, "drafts", 6, now=NOW),
        remember_once(cycle.id, "call", 5, now=NOW),
    ]
    db.session.commit()
    assert answers == [True, False, True, True]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 3
