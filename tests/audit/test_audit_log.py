"""The audit log page and mail sent only by `honors deliver`, never on rollback."""

from __future__ import annotations

from app.accounts.models import Role
from app.extensions import db
from app.notifications.services import notify
from tests import factories


def test_audit_log_lists_and_filters(app, login_as):
    staff = login_as(Role.STAFF, username="auditor")
    with app.app_context():
        factories.make_org(code="x1")
    admin = login_as(Role.ADMIN, username="boss")
    html = staff.get("/staff/audit/").get_data(as_text=True)
    assert "account.created" in html
    filtered = staff.get("/staff/audit/?actor=nobody").get_data(as_text=True)
    assert "account.created" not in filtered
    assert staff.get("/staff/audit/?since=notadate&object_id=abc&page=x").status_code == 200
    assert admin.get("/staff/audit/").status_code == 200
    assert login_as(Role.NOMINATOR).get("/staff/audit/").status_code == 403


def test_mail_is_queued_with_the_transaction_and_sent_only_by_deliver(app, runner):
    sender = app.extensions["honors_mail"]
    sender.sent.clear()
    with app.app_context():
        user = factories.make_user(Role.NOMINATOR)
        user.email = "n@example.org"
        db.session.commit()
        notify([user], subject="A", body="b")
        db.session.rollback()
        notify([user], subject="B", body="b")
        db.session.commit()
        assert sender.sent == []
    assert runner.invoke(args=["honors", "deliver"]).exit_code == 0
    assert [m.subject for m in sender.sent] == ["B"]


def test_audit_log_names_the_schedule_as_actor_of_its_moves_and_filters_by_it(app, login_as):
    from app.audit.services import SCHEDULE, record_event

    with app.app_context():
        record_event("cycle.transition", actor=SCHEDULE, object_type="cycles", object_id=7)
        record_event("cycle.dates_changed", actor=None, object_type="cycles", object_id=7)
        db.session.commit()
    staff = login_as(Role.STAFF, username="auditor")
    html = staff.get("/staff/audit/?object_type=cycles&lang=en").get_data(as_text=True)
    rows = [row.split("</td>")[1].strip() for row in html.split("<tr><td>")[1:]]
    assert rows == ["<td>system", "<td>the schedule"]
    only = staff.get("/staff/audit/?actor=schedule&lang=en").get_data(as_text=True)
    assert (only.count("<tr><td>"), "cycle.transition" in only) == (1, True)
