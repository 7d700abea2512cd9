"""The courtesy ledger's entry forms: refusals flashed with the entry's own message, and
nothing stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import gettext

from app.accounts.models import Role
from app.courtesy.models import AidGrant, CourtesyCard, Visit
from app.extensions import db
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def honoree_id(app):
    with app.app_context():
        return factories.make_honoree(name="礼遇测试", slug="courtesy-1").id


def _post(client, honoree_id, **data):
    url = f"/staff/honorees/{honoree_id}/courtesy"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def _flashes(client):
    with client.session_transaction() as session:
        return session.get("_flashes", [])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "card", "date": "2026-13-01", "number": "LH-1"}, "Give a valid date."),
        (
            {"kind": "card", "date": "2026-01-01", "number": "  ", "valid_until": "2027-01-01"},
            "Give the card number and its expiry date.",
        ),
        (
            {"kind": "visit", "date": "2026-01-01", "team": "市文明办", "cash": "NaN"},
            "Give the visiting team and a valid amount.",
        ),
        (
            {"kind": "aid", "date": "2026-01-01", "aid_type": "x", "amount": "1", "fund": "f"},
            "Give the aid type, a valid amount and the fund.",
        ),
        ({"kind": "assessment", "date": "2026-01-01", "level": ""}, "Choose a hardship level."),
        ({"kind": "other", "date": "2026-01-01"}, "Unknown entry."),
    ],
)
def test_ledger_entry_refused_flashes_its_message(app, login_as, honoree_id, data, message):
    staff = login_as(Role.STAFF)
    response = _post(staff, honoree_id, **data)
    assert response.status_code == 302
    with app.test_request_context():
        expected = gettext(message)
    assert _flashes(staff) == [("error", expected)]
    with app.app_context():
        for model in (CourtesyCard, Visit, AidGrant):
            assert db.session.scalars(sa.select(model)).all() == []


def test_ledger_visit_without_cash_records_zero(app, login_as, honoree_id):
    staff = login_as(Role.STAFF)
    response = _post(staff, honoree_id, kind="visit", date="2026-02-01", team=" 市文明办 ", cash="")
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.scalars(sa.select(Visit)).one()
        assert (visit.team, visit.gifts, visit.cash_fen) == ("市文明办", "", 0)
