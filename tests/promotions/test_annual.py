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


def test_scheduled_annual_cycle_in_early_2027_shortlists_2026_honorees(app, login_as, runner):
    """感动漯河2026年度人物 is chosen in January 2027: the cycle the calendar makes then
    offers 2026's monthly honorees (issue 13 found it looking at 2027 and finding nobody)."""
    with app.app_context():
        monthly = factories.make_program(code="luohe_good", cadence=Cadence.MONTHLY)
        annual = factories.make_program(code="touching_luohe", cadence=Cadence.ANNUAL)
        category_id = factories.make_category().id
        annual.categories.append(ProgramCategory(category_id=category_id))
        db.session.commit()
        annual_id = annual.id
        honorees = {}
        for name, month in (
            ("去年十二月好人", date(2026, 12, 1)),
            ("今年一月好人", date(2027, 1, 1)),
        ):
            honoree = factories.make_honoree(name=name, slug=f"m-{month:%Y%m}")
            factories.make_honor(
                honoree,
                monthly,
                period=f"{month:%Y-%m}",
                period_start=month,
                period_end=month.replace(day=31),
            )
            honorees[name] = honoree.id
        factories.make_org(code="office")
    result = runner.invoke(
        args=["honors", "schedule", "--today", "2027-01-05", "--now", "2027-01-05T02:00"]
    )
    assert "moved touching_luohe 2026 draft → nominating" in result.output
    with app.app_context():
        cycle_id = db.session.scalar(sa.select(Cycle.id).where(Cycle.program_id == annual_id))
    staff = login_as(Role.STAFF, organisation_code="office")
    url = f"/staff/nominations/shortlist/{cycle_id}"
    page = staff.get(url).get_data(as_text=True)
    assert ("去年十二月好人" in page, "今年一月好人" in page) == (True, False)
    staff.post(
        url,
        data={
            "csrf_token": csrf_token(staff, url),
            "category_id": str(category_id),
            "honoree_ids": [str(honorees["去年十二月好人"])],
        },
    )
    with app.app_context():
        nomination = db.session.scalars(sa.select(Nomination)).one()
        assert (nomination.cycle_id, nomination.honoree_id) == (
            cycle_id,
            honorees["去年十二月好人"],
        )
