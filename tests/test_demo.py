"""`flask honors demo`: idempotent, reproduces SPEC §1's figures, demo accounts work."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.extensions import db
from app.honors.queries import headline_figures
from app.programs.models import Cycle, Program
from app.programs.services import DATE_FIELDS
from app.programs.workflow import CyclePhase
from tests.conftest import login

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


# The dates that bound the phase a live demo cycle is in (issue 12: dates act).
LIVE_DATES = {
    CyclePhase.NOMINATING: ("nominations_open_at", "nominations_close_at"),
    CyclePhase.PUBLIC_REVIEW: ("review_starts_at", "review_ends_at"),
    CyclePhase.VOTING: ("voting_starts_at", "voting_ends_at"),
    CyclePhase.NOTICE: ("notice_starts_at", "notice_ends_at"),
}


def test_demo_live_cycles_are_open_by_their_dates_and_notices_last_seven_days(app, demo):
    now = utcnow()
    with app.app_context():
        cycles = db.session.scalars(sa.select(Cycle)).all()
        live = {c.state: c for c in cycles if c.state in LIVE_DATES}
        assert set(live) == set(LIVE_DATES)
        for state, cycle in live.items():
            start, end = (getattr(cycle, name) for name in LIVE_DATES[state])
            assert start <= now < end, (cycle.period, state)
        for cycle in cycles:
            dates = [getattr(cycle, n) for n in DATE_FIELDS if getattr(cycle, n) is not None]
            assert dates == sorted(dates), cycle.period
            if cycle.notice_starts_at is not None:
                assert cycle.notice_ends_at - cycle.notice_starts_at >= timedelta(days=7)


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
