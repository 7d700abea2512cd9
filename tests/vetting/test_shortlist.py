"""The annual shortlist form: a category that is not an id adds nobody."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.nominations.models import Nomination
from tests.conftest import csrf_token
from tests.promotions.test_annual import _setup


def test_shortlist_with_a_category_that_is_not_an_id_adds_nobody(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF, organisation_code="office")
    url = f"/staff/nominations/shortlist/{ids['cycle']}"
    token = csrf_token(staff, url)
    response = staff.post(
        url,
        data={"csrf_token": token, "category_id": "abc", "honoree_ids": [str(ids["this"])]},
        follow_redirects=True,
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0


def test_shortlist_skips_ticked_values_that_are_not_ids(app, login_as):
    ids = _setup(app)
    staff = login_as(Role.STAFF, organisation_code="office")
    url = f"/staff/nominations/shortlist/{ids['cycle']}"
    token = csrf_token(staff, url)
    response = staff.post(
        url,
        data={
            "csrf_token": token,
            "category_id": str(ids["category"]),
            "honoree_ids": ["x", str(ids["this"])],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Nomination.honoree_id)).all() == [ids["this"]]
