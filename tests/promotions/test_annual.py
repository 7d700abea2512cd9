"""感动漯河年度人物: the shortlist comes only from that year's monthly honorees."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cadence, Cycle, ProgramCategory
from app.programs.workflow import CyclePhase
from tests import factories
from tests.conftest import csrf_token


def _setup(app):
    with app.app_context():
        monthly = factories.make_program(code="luohe_good", cadence=Cadence.MONTHLY)
        annual = factories.make_program(
            code="touching_luohe", cadence=Cadence.ANNUAL, ballot_rule=factories.BallotRule.SCORE
        )
        category = factories.make_category()
        annual.categories.append(ProgramCategory(category_id=category.id))
        db.session.commit()
        cycle = factories.make_open_cycle(annual, period="2026", reference_date=date(2026, 1, 1))
        this_year = factories.make_honoree(name="今年好人", slug="y-2026")
        factories.make_honor(
            this_year,
            monthly,
            period="2026-05",
            period_start=date(2026, 5, 1),
            period_end=date(2026, 5, 31),
        )
        last_year = factories.make_honoree(name="去年好人", slug="y-2025")
        factories.make_honor(
            last_year,
            monthly,
            period="2025-05",
            period_start=date(2025, 5, 1),
            period_end=date(2025, 5, 31),
        )
        factories.make_org(code="office")
        return {
            "cycle": cycle.id,
            "this": this_year.id,
            "last": last_year.id,
            "category": category.id,
        }


def test_shortlist_only_from_that_years_honorees(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF, organisation_code="office")
    page = staff.get(f"/staff/nominations/shortlist/{ids['cycle']}").get_data(as_text=True)
    assert "今年好人" in page and "去年好人" not in page
    token = csrf_token(staff, f"/staff/nominations/shortlist/{ids['cycle']}")
    staff.post(
        f"/staff/nominations/shortlist/{ids['cycle']}",
        data={
            "csrf_token": token,
            "category_id": str(ids["category"]),
            "honoree_ids": [str(ids["last"])],
        },
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0
    staff.post(
        f"/staff/nominations/shortlist/{ids['cycle']}",
        data={
            "csrf_token": token,
            "category_id": str(ids["category"]),
            "honoree_ids": [str(ids["this"])],
        },
    )
    with app.app_context():
        nomination = db.session.scalars(sa.select(Nomination)).one()
        assert nomination.honoree_id == ids["this"] and nomination.name == "今年好人"
        assert nomination.state is NominationState.SUBMITTED


def test_shortlist_url_in_committee_voting_adds_nobody(app, login_as):
    """The attack of issue 12: the link is hidden in voting, the forged POST is refused."""
    ids = _setup(app)
    with app.app_context():
        db.session.get(Cycle, ids["cycle"]).state = CyclePhase.VOTING
        db.session.commit()
    staff = login_as(Role.STAFF, organisation_code="office")
    token = csrf_token(staff, "/staff/")
    response = staff.post(
        f"/staff/nominations/shortlist/{ids['cycle']}",
        data={
            "csrf_token": token,
            "category_id": str(ids["category"]),
            "honoree_ids": [str(ids["this"])],
        },
    )
    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0
