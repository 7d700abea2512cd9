"""`flask honors demo`: idempotent, reproduces SPEC §1's figures, demo accounts work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from app.accounts.models import Role, User
from app.committee import queries
from app.committee.models import Ballot, CommitteeMember, TallySnapshot
from app.courtesy.models import AidGrant
from app.db_types import utcnow
from app.demo import data
from app.demo.services import live_cycles, load_demo
from app.extensions import db
from app.honors.queries import headline_figures
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState as S
from app.notice.models import Objection, ObjectionStatus
from app.programs.models import Cycle, Program
from app.programs.services import DATE_FIELDS, LOCAL_TZ, refusals
from app.programs.workflow import CyclePhase
from app.promotions.models import Promotion
from app.registry.models import Honor
from tests.conftest import csrf_token, login
from tests.demo import live_by_role

SPEC_FIGURES = {
    "national_models": 1,
    "national_nomination_awards": 1,
    "provincial_models": 3,
    "provincial_nomination_awards": 3,
    "henan_good_people": 42,
    "henan_good_groups": 3,
    "luohe_good_people": 251,
    "china_good_people": 48,
    "china_good_groups": 1,
}


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["honors", "demo"])
    assert result.exit_code == 0, result.output
    return result


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_demo_is_idempotent(app, runner, demo):
    assert "demo data loaded" in demo.output
    with app.app_context():
        before = _row_counts()
    again = runner.invoke(args=["honors", "demo"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    with app.app_context():
        assert _row_counts() == before


def test_demo_reproduces_spec_figures(app, demo):
    with app.app_context():
        figures = headline_figures()
    assert {key: getattr(figures, key) for key in SPEC_FIGURES} == SPEC_FIGURES


def test_demo_home_page_shows_figures(client, demo):
    html = client.get("/").get_data(as_text=True)
    for value in ("251", "42", "48"):
        assert f'<span class="figure-value">{value}</span>' in html


def test_demo_seeds_programs_and_cycles_in_every_phase_a_newcomer_needs(app, demo):
    with app.app_context():
        codes = set(db.session.scalars(sa.select(Program.code)))
        states = set(db.session.scalars(sa.select(Cycle.state)))
    assert {
        "top_ten_citizens",
        "luohe_good",
        "good_youth",
        "touching_luohe",
        "city_moral_model",
        "henan_good",
        "henan_moral_model",
        "china_good",
        "national_moral_model",
        "national_good_youth",
    } <= codes
    assert {
        CyclePhase.NOMINATING,
        CyclePhase.PUBLIC_REVIEW,
        CyclePhase.VOTING,
        CyclePhase.NOTICE,
        CyclePhase.PUBLISHED,
    } <= states


# Two load moments: the day of writing and a later one in another month, quarter and award
# year, to show that the live cycles' periods and dates follow the moment of loading.
NOWS = [
    datetime(2026, 12, 7, 5, 30, tzinfo=UTC),
    datetime(2028, 3, 15, 14, 20, tzinfo=UTC),
]
# (role, program, phase) of the live sample cycles (app.demo.services.live_cycles).
LIVE_ROLES = {
    "nominating": ("luohe_good", CyclePhase.NOMINATING),
    "youth": ("good_youth", CyclePhase.NOMINATING),
    "review": ("top_ten_citizens", CyclePhase.PUBLIC_REVIEW),
    "voting": ("touching_luohe", CyclePhase.VOTING),
    "notice": ("luohe_good", CyclePhase.NOTICE),
    "ready": ("luohe_good", CyclePhase.NOTICE),
}
# The dates that bound the phase a live demo cycle is in.
OPEN_DATES = {
    "nominating": ("nominations_open_at", "nominations_close_at"),
    "youth": ("nominations_open_at", "nominations_close_at"),
    "review": ("review_starts_at", "review_ends_at"),
    "voting": ("voting_starts_at", "voting_ends_at"),
    "notice": ("notice_starts_at", "notice_ends_at"),
}


def _load_demo_at(app, now: datetime) -> None:
    with app.app_context():
        load_demo(now=now, upload_root=Path(app.instance_path) / "uploads")
        db.session.commit()


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_demo_live_cycles_are_named_after_the_load_moment():
    early, late = ({live.role: live.period.label for live in live_cycles(now)} for now in NOWS)
    assert early == {
        "nominating": "2026-12",
        "youth": "2026-Q4",
        "review": "2026-11",
        "voting": "2025",
        "notice": "2026-11",
        "ready": "2026-10",
    }
    assert late == {
        "nominating": "2028-03",
        "youth": "2028-Q1",
        "review": "2028-02",
        "voting": "2027",
        "notice": "2028-02",
        "ready": "2028-01",
    }


@pytest.mark.parametrize("now", NOWS, ids=["2026-12", "2028-03"])
def test_demo_live_cycles_are_in_their_phase_around_the_load_moment(app, now):
    _load_demo_at(app, now)
    with app.app_context():
        live = live_by_role(now)
        assert {role: (c.program.code, c.state) for role, c in live.items()} == LIVE_ROLES
        for role, (start, end) in OPEN_DATES.items():
            cycle = live[role]
            assert getattr(cycle, start) <= now < getattr(cycle, end), role
            assert getattr(cycle, end) - now >= timedelta(days=1), role
        for cycle in db.session.scalars(sa.select(Cycle)):
            dates = [getattr(cycle, n) for n in DATE_FIELDS if getattr(cycle, n) is not None]
            assert dates == sorted(dates), cycle.period
            if cycle.notice_starts_at is not None:
                assert cycle.notice_ends_at - cycle.notice_starts_at >= timedelta(days=7)
        assert _count(Cycle, Cycle.state == CyclePhase.PUBLISHED) == 2


@pytest.mark.parametrize("now", NOWS, ids=["2026-12", "2028-03"])
def test_demo_annual_vote_is_open_with_some_ballots_and_no_figures(app, now):
    _load_demo_at(app, now)
    with app.app_context():
        voting = live_by_role(now)["voting"]
        assert _count(CommitteeMember, CommitteeMember.cycle_id == voting.id) == 7
        assert _count(Ballot, Ballot.cycle_id == voting.id) == 3
        assert voting.voting_closed_at is None
        assert _count(TallySnapshot, TallySnapshot.cycle_id == voting.id) == 0
        assert queries.final_result(voting) is None
        assert queries.ballots_open(voting, now)
        ballots = db.session.scalars(sa.select(Ballot).where(Ballot.cycle_id == voting.id))
        assert all(voting.voting_starts_at <= b.submitted_at <= now for b in ballots)


@pytest.mark.parametrize("now", NOWS, ids=["2026-12", "2028-03"])
def test_demo_ready_cycle_notice_ended_hours_ago_and_nothing_stands_in_the_way(app, now):
    _load_demo_at(app, now)
    with app.app_context():
        ready = live_by_role(now)["ready"]
        assert now - timedelta(hours=12) <= ready.notice_ends_at < now
        assert ready.notice_ends_at - ready.notice_starts_at >= timedelta(days=7)
        assert ready.results_applied_at is not None
        statuses = db.session.scalars(
            sa.select(Objection.status).where(Objection.cycle_id == ready.id)
        ).all()
        assert statuses == [ObjectionStatus.DISMISSED]
        assert refusals(ready, CyclePhase.PUBLISHED, now=now) == []
        assert (
            _count(Nomination, Nomination.cycle_id == ready.id, Nomination.state == S.IN_NOTICE)
            == 6
        )
        # The running notice still has an open objection, which holds its publication.
        notice = live_by_role(now)["notice"]
        assert (
            _count(
                Objection, Objection.cycle_id == notice.id, Objection.status == ObjectionStatus.OPEN
            )
            == 1
        )


@pytest.mark.parametrize("now", NOWS, ids=["2026-12", "2028-03"])
def test_demo_samples_are_dated_in_the_weeks_before_the_load_moment(app, now):
    _load_demo_at(app, now)
    today = now.astimezone(LOCAL_TZ).date()
    weeks = (today - timedelta(days=60), today)
    with app.app_context():
        promotions = db.session.scalars(sa.select(Promotion.recommended_on)).all()
        grants = db.session.scalars(sa.select(AidGrant.granted_on)).all()
        assert len(promotions) == 3 and len(grants) == 6
        assert all(weeks[0] <= day <= weeks[1] for day in [*promotions, *grants])
        nominations = db.session.scalars(sa.select(Nomination)).all()
        assert all(n.created_at <= now for n in nominations)
        assert all(n.consent_date <= today for n in nominations)
        youth = live_by_role(now)["youth"]
        pupils = [n for n in nominations if n.cycle_id == youth.id]
        assert len(pupils) == 2
        assert all(6 <= (today - n.birth_date).days // 366 <= 17 for n in pupils)
        assert all(n.school and n.guardian_consent for n in pupils)


@pytest.mark.parametrize("now", NOWS, ids=["2026-12", "2028-03"])
def test_demo_schedule_right_after_keeps_each_live_phase_and_adds_no_annual_cycle(app, runner, now):
    _load_demo_at(app, now)
    result = runner.invoke(
        args=[
            "honors",
            "schedule",
            "--today",
            now.astimezone(LOCAL_TZ).date().isoformat(),
            "--now",
            now.strftime("%Y-%m-%dT%H:%M"),
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        live = live_by_role(now)
        assert {role: (c.program.code, c.state) for role, c in live.items()} == LIVE_ROLES
        assert live["ready"].notice_ended_at is not None
        assert live["notice"].notice_ended_at is None
        assert live["voting"].voting_closed_at is None
        assert refusals(live["ready"], CyclePhase.PUBLISHED, now=now) == []
        assert _count(Cycle, Cycle.state == CyclePhase.PUBLISHED) == 2
        annual = sa.select(Cycle).join(Program).where(Program.code == "touching_luohe")
        assert [c.period for c in db.session.scalars(annual)] == [live["voting"].period]


def _facts(html: str) -> dict[str, str]:
    listing = BeautifulSoup(html, "html.parser").select_one("dl.data-list")
    return {
        dt.get_text(strip=True): dd.get_text(" ", strip=True)
        for dt, dd in zip(listing.find_all("dt"), listing.find_all("dd"), strict=True)
    }


@pytest.mark.parametrize(
    ("path", "turnout"),
    [
        ("/cycles/luohe_good/2026-09", "6 of 7 ballots"),
        ("/cycles/top_ten_citizens/2026-09", "7 of 7 ballots"),
    ],
)
def test_demo_published_list_transparency_shows_committee_figures(client, demo, path, turnout):
    response = client.get(path + "?lang=en")
    assert response.status_code == 200
    facts = _facts(response.get_data(as_text=True))
    assert facts["Committee"] == "7 members"
    assert facts["Turnout"] == turnout
    assert facts["Quorum"].startswith("5 ballots")


def test_demo_ready_cycle_published_by_demo_staff_after_schedule_shows_committee_figures(
    app, client, runner, demo
):
    assert runner.invoke(args=["honors", "schedule"]).exit_code == 0
    with app.app_context():
        ready = live_by_role(utcnow())["ready"]
        cycle_id, period = ready.id, ready.period
        honors_before = _count(Honor)
    staff = app.test_client()
    assert login(staff, "demo-staff", data.DEMO_PASSWORD).status_code == 302
    url = f"/staff/cycles/{cycle_id}/publish"
    response = staff.post(url, data={"csrf_token": csrf_token(staff, url), "release_at": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        assert cycle.state is CyclePhase.PUBLISHED
        assert _count(Honor, Honor.cycle_id == cycle_id) == 6
        assert _count(Honor) == honors_before + 6
    page = client.get(f"/cycles/luohe_good/{period}?lang=en")
    assert page.status_code == 200
    facts = _facts(page.get_data(as_text=True))
    assert facts["Committee"] == "7 members"
    assert facts["Turnout"] == "7 of 7 ballots"
    assert facts["Objections"] == "1 received, 0 upheld"


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("demo-admin", Role.ADMIN),
        ("demo-staff", Role.STAFF),
        ("demo-nominator", Role.NOMINATOR),
        ("demo-committee", Role.COMMITTEE),
    ],
)
def test_demo_accounts_log_in(app, demo, username, role):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert role in user.roles
        if role is Role.NOMINATOR:
            assert user.organisation_id is not None
    client = app.test_client()
    assert login(client, username, "luohe-demo").status_code == 302
