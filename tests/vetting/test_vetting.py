"""Staff vetting: queue filters, checklist, notes, bulk qualify, export and its ID option."""

from __future__ import annotations

import io
import logging

import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.extensions import db
from app.nominations.models import ConsultationCheck, Nomination, NominationNote
from app.nominations.workflow import NominationState
from app.programs.workflow import CyclePhase
from tests import factories
from tests.conftest import csrf_token

ID_NUMBER = factories.valid_id_number("19850101", "777")
PHONE = "13700001111"


def _seed(app):
    with app.app_context():
        cycle = factories.make_open_cycle()
        a = factories.make_nomination(
            cycle,
            name="甲候选",
            id_number=ID_NUMBER,
            phone=PHONE,
            birth_date=None,
            state=NominationState.SUBMITTED,
        )
        b = factories.make_nomination(
            cycle,
            name="乙候选",
            id_number=None,
            birth_date=factories.date(1990, 1, 1),
            state=NominationState.SUBMITTED,
        )
        c = factories.make_nomination(
            cycle,
            name="丙候选",
            id_number=None,
            birth_date=factories.date(1991, 1, 1),
            state=NominationState.QUALIFIED,
        )
        factories.make_nomination(
            cycle, name="丁草稿", id_number=None, birth_date=factories.date(1992, 1, 1)
        )
        return cycle.id, a.id, b.id, c.id


def test_queue_lists_submitted_not_drafts_and_filters(app, login_as):
    cycle_id, *_ = _seed(app)
    staff = login_as(Role.STAFF)
    html = staff.get("/staff/nominations/").get_data(as_text=True)
    assert "甲候选" in html and "丙候选" in html and "丁草稿" not in html
    html = staff.get(f"/staff/nominations/?cycle_id={cycle_id}&state=qualified").get_data(
        as_text=True
    )
    assert "丙候选" in html and "甲候选" not in html
    assert staff.get("/staff/nominations/?state=bogus&cycle_id=x&page=-3").status_code == 200


def test_checklist_and_notes_are_saved(app, login_as):
    _cycle, a, _b, _c = _seed(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/nominations/{a}")
    staff.post(
        f"/staff/nominations/{a}/checks",
        data={
            "csrf_token": token,
            "body": "police",
            "result": "no_objection",
            "note": "无违法记录",
        },
    )
    staff.post(
        f"/staff/nominations/{a}/checks",
        data={"csrf_token": token, "body": "police", "result": "objection", "note": "复核有异议"},
    )
    staff.post(f"/staff/nominations/{a}/notes", data={"csrf_token": token, "body": "需电话核实"})
    with app.app_context():
        checks = db.session.scalars(sa.select(ConsultationCheck)).all()
        assert [(c.body.value, c.result.value, c.note) for c in checks] == [
            ("police", "objection", "复核有异议")
        ]
        assert db.session.scalars(sa.select(NominationNote.body)).all() == ["需电话核实"]
    page = staff.get(f"/staff/nominations/{a}").get_data(as_text=True)
    assert "复核有异议" in page and "需电话核实" in page


def test_internal_notes_hidden_from_nominator(app, login_as):
    with app.app_context():
        org = factories.make_org(code="own")
        nomination = factories.make_nomination(organisation=org, state=NominationState.SUBMITTED)
        factories.db.session.add(NominationNote(nomination_id=nomination.id, body="内部意见XYZ"))
        factories.db.session.commit()
        nomination_id = nomination.id
    nominator = login_as(Role.NOMINATOR, organisation_code="own")
    assert "内部意见XYZ" not in nominator.get(f"/nominations/{nomination_id}").get_data(
        as_text=True
    )


def test_return_requires_reason(app, login_as):
    _cycle, a, _b, _c = _seed(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/nominations/{a}")
    staff.post(f"/staff/nominations/{a}/return", data={"csrf_token": token, "reason": " "})
    with app.app_context():
        assert db.session.get(Nomination, a).state is NominationState.SUBMITTED


def test_bulk_qualify(app, login_as):
    _cycle, a, b, c = _seed(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/nominations/")
    response = staff.post(
        "/staff/nominations/bulk-qualify",
        data={"csrf_token": token, "ids": [str(a), str(b), str(c), "x"], "back": "//evil.example/"},
    )
    assert response.headers["Location"] == "/staff/nominations/"
    with app.app_context():
        states = {n.id: n.state for n in db.session.scalars(sa.select(Nomination))}
    assert states[a] is states[b] is states[c] is NominationState.QUALIFIED


def _sheet_values(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.data))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_export_masks_ids_unless_staff_asks_and_logs_it(app, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    _seed(app)
    staff = login_as(Role.STAFF)
    plain = staff.get("/staff/nominations/export.xlsx")
    assert plain.status_code == 200
    text = str(_sheet_values(plain))
    assert ID_NUMBER not in text and PHONE not in text and "137****1111" in text
    assert ID_NUMBER not in str(
        _sheet_values(staff.get("/staff/nominations/export.xlsx?include_ids=y"))
    )
    token = csrf_token(staff, "/staff/nominations/")
    full = staff.post(
        "/staff/nominations/export.xlsx", data={"csrf_token": token, "include_ids": "y"}
    )
    text = str(_sheet_values(full))
    assert ID_NUMBER in text and PHONE in text
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "nominations.exported")
            .order_by(AuditEvent.id)
        ).all()
        assert [e.after["include_ids"] for e in events] == [False, False, True]
        assert ID_NUMBER not in str([e.after for e in events])
    assert ID_NUMBER not in caplog.text


def test_admin_without_staff_role_cannot_export_ids(app, login_as):
    _seed(app)
    admin = login_as(Role.ADMIN)
    token = csrf_token(admin, "/staff/nominations/")
    text = str(
        _sheet_values(
            admin.post(
                "/staff/nominations/export.xlsx", data={"csrf_token": token, "include_ids": "y"}
            )
        )
    )
    assert ID_NUMBER not in text


def test_no_unmasked_pii_in_any_staff_or_nominator_page(app, login_as):
    _cycle, a, _b, _c = _seed(app)
    staff = login_as(Role.STAFF)
    pages = [
        "/staff/",
        "/staff/cycles",
        "/staff/nominations/",
        f"/staff/nominations/{a}",
        "/staff/audit/",
    ]
    for url in pages:
        html = staff.get(url).get_data(as_text=True)
        assert ID_NUMBER not in html and PHONE not in html, url


def test_no_unmasked_pii_in_nominator_pages(app, login_as):
    with app.app_context():
        org = factories.make_org(code="mine")
        nomination = factories.make_nomination(
            organisation=org, id_number=ID_NUMBER, phone=PHONE, birth_date=None
        )
        nomination_id = nomination.id
    nominator = login_as(Role.NOMINATOR, organisation_code="mine")
    for url in [
        "/nominations/",
        f"/nominations/{nomination_id}",
        f"/nominations/{nomination_id}/edit",
        "/inbox",
    ]:
        html = nominator.get(url).get_data(as_text=True)
        assert ID_NUMBER not in html and PHONE not in html, url
    assert "411102********" in nominator.get(f"/nominations/{nomination_id}/edit").get_data(
        as_text=True
    )


def test_detail_page_offers_only_the_decisions_its_phase_allows(app, login_as):
    with app.app_context():
        nomination = factories.make_nomination(state=NominationState.SUBMITTED)
        nomination_id = nomination.id
    staff = login_as(Role.STAFF)
    page = staff.get(f"/staff/nominations/{nomination_id}").get_data(as_text=True)
    assert f"/staff/nominations/{nomination_id}/qualify" in page
    assert f"/staff/nominations/{nomination_id}/checks" in page
    with app.app_context():
        db.session.get(Nomination, nomination_id).cycle.state = CyclePhase.VOTING
        db.session.commit()
    page = staff.get(f"/staff/nominations/{nomination_id}").get_data(as_text=True)
    for action in ("qualify", "return", "reject", "withdraw", "checks"):
        assert f"/staff/nominations/{nomination_id}/{action}" not in page
    assert f"/staff/nominations/{nomination_id}/notes" in page


def test_export_full_ids_only_when_the_checkbox_sends_y(app, login_as):
    _seed(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/nominations/")
    other = staff.post(
        "/staff/nominations/export.xlsx", data={"csrf_token": token, "include_ids": "on"}
    )
    assert ID_NUMBER not in str(_sheet_values(other))


def test_bulk_qualify_with_nothing_ticked_qualifies_none_and_goes_back(app, login_as):
    _cycle, a, b, _c = _seed(app)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/nominations/")
    response = staff.post(
        "/staff/nominations/bulk-qualify",
        data={"csrf_token": token, "ids": ["x"], "back": "/staff/nominations/?state=submitted"},
    )
    assert response.headers["Location"] == "/staff/nominations/?state=submitted"
    with app.app_context():
        states = {n.id: n.state for n in db.session.scalars(sa.select(Nomination))}
    assert states[a] is states[b] is NominationState.SUBMITTED
