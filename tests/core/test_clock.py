"""Today is the Beijing date: on a UTC server it is a day ahead from 16:00 to 24:00 UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from app.accounts.models import Role
from app.core.clock import LOCAL_TZ, local_today
from app.privacy import id_numbers
from tests import factories

# 23:30 UTC on 7 December is 07:30 on 8 December in Beijing.
LATE_UTC = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
NEW_YEAR_EVE_UTC = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def test_local_today_is_beijing_date_at_2330_utc():
    with time_machine.travel(LATE_UTC, tick=False):
        assert local_today() == date(2026, 12, 8)


def test_local_today_of_given_moment_is_its_beijing_date():
    assert local_today(LATE_UTC) == date(2026, 12, 8)
    assert local_today(datetime(2026, 12, 8, 7, 30, tzinfo=LOCAL_TZ)) == date(2026, 12, 8)
    assert local_today(datetime(2026, 12, 7, 15, 59, tzinfo=UTC)) == date(2026, 12, 7)


def test_id_number_born_on_beijing_today_is_accepted_at_2330_utc():
    number = factories.valid_id_number(birth="20261208")
    with time_machine.travel(LATE_UTC, tick=False):
        assert id_numbers.parse(number).birth_date == date(2026, 12, 8)


def test_honoree_turning_18_on_beijing_today_is_not_minor_at_2330_utc(ctx):
    honoree = factories.make_honoree(birth_date=date(2008, 12, 8), birth_year=2008)
    with time_machine.travel(LATE_UTC, tick=False):
        assert honoree.is_minor is False


def test_promote_form_date_defaults_to_beijing_today_at_2330_utc(app, login_as):
    with app.app_context():
        honoree_id = factories.make_honoree().id
    with time_machine.travel(LATE_UTC, tick=False):
        staff = login_as(Role.STAFF)
        page = staff.get(f"/staff/honorees/{honoree_id}/promote").get_data(as_text=True)
    assert 'value="2026-12-08"' in page


def test_aid_report_defaults_to_beijing_year_on_new_year_morning(login_as):
    with time_machine.travel(NEW_YEAR_EVE_UTC, tick=False):
        staff = login_as(Role.STAFF)
        page = staff.get("/staff/aid/report").get_data(as_text=True)
    assert 'name="year" value="2027"' in page


def test_set_to_makes_utcnow_and_local_today_read_the_moment_inside_the_block_only():
    from app.core.clock import set_to, utcnow

    moment = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)
    with set_to(moment):
        assert utcnow() == moment
        assert local_today() == date(2025, 3, 2)
        with set_to(LATE_UTC):
            assert utcnow() == LATE_UTC
        assert utcnow() == moment
    assert utcnow() > datetime(2026, 1, 1, tzinfo=UTC)


def test_set_to_refuses_a_naive_moment():
    import pytest

    from app.core.clock import set_to

    with pytest.raises(ValueError), set_to(datetime(2025, 3, 1, 17, 0)):
        pass


def test_set_to_stamps_column_defaults(ctx):
    from app.audit.models import AuditEvent
    from app.audit.services import record_event
    from app.core.clock import set_to
    from app.extensions import db

    moment = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)
    with set_to(moment):
        record_event("test.clock", object_type="cycles", object_id=1)
        db.session.flush()
    event = db.session.query(AuditEvent).filter_by(action="test.clock").one()
    assert event.at == moment
