"""Regressions for the server errors the fuzzing (test_fuzz.py) found, each a plain test.

- A multipart part whose header carries no usable name reached the forms under the key
  None; the nomination form's photo slots (a FieldList) crashed on it.
- A JSON body with a valid CSRF header was read as form data: its lists, objects and
  numbers crashed the fields of every form.
- `str.isdigit()` accepts "²" and other digits that `int()` refuses: ballots, the chair's
  decision, revocation, list pages and filters answered 500 to them.
- Numbers past the id range went to the database (out of range: a 500).
- The annual shortlist took any category id (foreign key failure: a 500).
- ID numbers written with non-ASCII digits passed the shape check, so the same person
  could be nominated twice (the duplicate check compares hashes of the text).
- Views that read request.form or request.args directly kept NUL and other control
  characters, which PostgreSQL refuses in any text parameter (a 500 there, not on SQLite).
- Found while widening the fuzz corpus with the earliest dates: a Beijing time in year 1
  overflows when converted to UTC (cycle dates, release time, the like report's minute).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.test import stream_encode_multipart

from app.accounts.models import Role
from app.committee import ballots, queries
from app.courtesy.models import Visit
from app.extensions import db
from app.nominations.models import Nomination
from app.privacy import id_numbers
from app.programs.models import BallotRule, Cycle
from tests import factories
from tests.committee.conftest import build
from tests.conftest import csrf_token, login
from tests.nominations.test_nominator_flow import form_data
from tests.promotions.test_annual import _setup as annual_setup

SUPERSCRIPT_TWO = "²"  # isdigit() is True, int() refuses it


def _multipart(client, url, pairs):
    body, _length, boundary = stream_encode_multipart(MultiDict(pairs), use_tempfile=False)
    return client.post(
        url, data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_multipart_part_without_a_name_is_ignored(app, login_as):
    with app.app_context():
        org = factories.make_org(code="xingfu")
        cycle = factories.make_open_cycle()
        ids = {
            "org": org.id,
            "cycle": cycle.id,
            "category": cycle.program.categories[0].category_id,
        }
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    url = f"/nominations/new/{ids['cycle']}"
    pairs = [("\n", "no name"), *form_data(ids, action="save").items()]
    response = _multipart(nominator, url, [*pairs, ("csrf_token", csrf_token(nominator, url))])
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Nomination.name)).one() == "赵好人"


@pytest.mark.parametrize(
    "body",
    [{"username": {"a": 1}, "password": "x"}, {"username": ["a", "b"], "password": 5}, [1, 2]],
)
def test_json_body_is_not_form_input(client, body):
    token = csrf_token(client)
    response = client.post("/login", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert "用户名" in response.get_data(as_text=True)


def _everyone_votes(cycle_id, member_ids, approvals):
    cycle = db.session.get(Cycle, cycle_id)
    members = {m.id: m for m in queries.roster(cycle)}
    for member_id, chosen in zip(member_ids, approvals, strict=True):
        ballot = ballots.BallotInput(approvals=list(chosen))
        ballots.submit_ballot(cycle, members[member_id], ballot, secret="s")


def test_ballot_with_non_ascii_digits_is_refused_not_500(app):
    with app.app_context():
        approval = build(members=3, candidates=2, quota=1)
        scored = build(members=3, candidates=2, quota=1, ballot_rule=BallotRule.SCORE)
    for setup, field in [(approval, "approve"), (scored, f"score-{scored.candidate_ids[0]}-")]:
        judge = app.test_client()
        assert login(judge, setup.member_usernames[1]).status_code == 302
        url = f"/committee/cycles/{setup.cycle_id}"
        page = judge.get(url).get_data(as_text=True)
        names = [field] if field == "approve" else sorted(set(_score_names(page, field)))
        assert names
        data = {name: SUPERSCRIPT_TWO for name in names} | {"csrf_token": csrf_token(judge, url)}
        assert judge.post(url, data=data).status_code in (200, 302)


def _score_names(page: str, prefix: str) -> list[str]:
    return re.findall(rf'name="({re.escape(prefix)}[\w-]+)"', page)


def test_chair_decision_with_non_ascii_digits_is_refused_not_500(app):
    from tests.security.world import ROLES, _arrange_tie

    with app.app_context():
        cycle_id = _arrange_tie()
    chair = app.test_client()
    assert login(chair, ROLES["chair"]).status_code == 302
    url = f"/committee/cycles/{cycle_id}/results"
    data = {"csrf_token": csrf_token(chair, url), "chosen": [SUPERSCRIPT_TWO], "reason": "平票"}
    assert chair.post(url, data=data).status_code == 302


def test_revocation_with_non_ascii_digits_is_404_not_500(app, login_as):
    with app.app_context():
        honoree = factories.make_honoree()
        factories.make_honor(honoree, factories.make_program())
        honoree_id = honoree.id
    staff = login_as(Role.STAFF)
    url = f"/staff/honorees/{honoree_id}"
    data = {"csrf_token": csrf_token(staff, url), "honor_id": SUPERSCRIPT_TWO, "reason": "x"}
    assert staff.post(url, data=data).status_code == 404


PUBLIC_QUERIES = [
    f"/roll?year={SUPERSCRIPT_TWO}",
    f"/roll?page={SUPERSCRIPT_TWO}",
    f"/roll?district={SUPERSCRIPT_TWO}",
    f"/api/v1/honorees?page={SUPERSCRIPT_TWO}",
    f"/notice/objection?candidate={SUPERSCRIPT_TWO}",
    "/notice/objection?candidate=" + "9" * 5000,
]
STAFF_QUERIES = [
    f"/staff/audit/?object_id={SUPERSCRIPT_TWO}",
    "/staff/audit/?object_id=99999999999999999999999",
    f"/staff/audit/?page={SUPERSCRIPT_TWO}",
    f"/staff/aid/report?year={SUPERSCRIPT_TWO}",
    "/staff/aid/report?year=" + "2" * 5000,
    f"/staff/cycles?page={SUPERSCRIPT_TWO}",
    "/staff/nominations/?cycle_id=99999999999999999999",
    "/staff/nominations/?district_id=-99999999999999999999&category_id=" + "9" * 5000,
]


def test_query_strings_with_odd_numbers_are_not_500(app, client, login_as):
    staff = login_as(Role.STAFF)
    for url in PUBLIC_QUERIES:
        assert client.get(url).status_code == 200, url
    for url in STAFF_QUERIES:
        assert staff.get(url).status_code == 200, url


def test_shortlist_with_a_category_outside_the_program_is_refused(app, login_as):
    ids = annual_setup(app)
    staff = login_as(Role.STAFF, organisation_code="office")
    url = f"/staff/nominations/shortlist/{ids['cycle']}"
    for category in ["7198", SUPERSCRIPT_TWO, "9" * 20]:
        response = staff.post(
            url,
            data={
                "csrf_token": csrf_token(staff, url),
                "category_id": category,
                "honoree_ids": [str(ids["this"])],
            },
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "请选择类别" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0


@pytest.mark.parametrize("digits", ["٣", "３", "𝟑"])
def test_id_number_with_non_ascii_digits_is_refused(digits):
    valid = factories.valid_id_number("19790303", "453")
    assert valid[16] == "3"
    with pytest.raises(id_numbers.IdNumberError):
        id_numbers.parse(valid[:16] + digits + valid[17])
    assert id_numbers.parse(valid).value == valid


def test_year_one_dates_are_field_errors_not_500(app, login_as):
    with app.app_context():
        cycle = factories.make_open_cycle()
        cycle_id = cycle.id
    staff = login_as(Role.STAFF)
    url = f"/staff/cycles/{cycle_id}"
    response = staff.post(
        url, data={"csrf_token": csrf_token(staff, url), "nominations_open_at": "0001-01-01T00:00"}
    )
    assert response.status_code == 200
    assert 'id="nominations_open_at-error"' in response.get_data(as_text=True)
    for field in ("release_at",):
        publish = staff.post(
            f"{url}/publish",
            data={"csrf_token": csrf_token(staff, url), field: "0001-01-01T00:00"},
        )
        assert publish.status_code == 200
    report = staff.post(
        f"/staff/review/{cycle_id}",
        data={
            "csrf_token": csrf_token(staff, url),
            "minute": "0001-01-01T00:00+08:00",
            "reason": "刷票",
        },
    )
    assert report.status_code == 302


def test_raw_form_and_query_values_lose_control_characters(app, login_as):
    with app.app_context():
        honoree_id = factories.make_honoree().id
    staff = login_as(Role.STAFF)
    url = f"/staff/honorees/{honoree_id}/courtesy"
    response = staff.post(
        url,
        data={
            "csrf_token": csrf_token(staff, url),
            "kind": "visit",
            "date": "2026-11-02",
            "team": "文明办\x00慰问组\x07",
            "gifts": "米\x00面",
            "cash": "100",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.scalars(sa.select(Visit)).one()
        assert (visit.team, visit.gifts) == ("文明办慰问组", "米面")
    with app.test_request_context("/roll?q=%E5%A5%BD%00%1B%E4%BA%BA&q=x"):
        assert request.args.getlist("q") == ["好人", "x"]
    assert app.test_client().get("/roll?q=%E5%A5%BD%00%E4%BA%BA").status_code == 200


def test_audit_log_until_the_last_representable_day(app, login_as):
    """Found by the fuzzer in CI: `until=9999-12-31` overflowed computing the next midnight."""
    admin = login_as(Role.ADMIN)
    for until in ("9999-12-31", "0001-01-01"):
        response = admin.get(f"/staff/audit/?until={until}&since=0001-01-01")
        assert response.status_code == 200, until


def test_program_form_with_a_four_hundred_digit_quota_is_a_field_error_not_500(app, login_as):
    client = login_as(Role.STAFF)
    token = csrf_token(client, "/staff/programs/new")
    response = client.post(
        "/staff/programs/new?lang=en",
        data={"csrf_token": token, "code": "huge", "name_zh": "大数", "quota": "9" * 400},
    )
    assert response.status_code == 200
    assert "Not a valid integer value" in response.get_data(as_text=True)


def test_vetting_queue_page_number_of_four_hundred_digits_is_not_500(app, login_as):
    client = login_as(Role.STAFF)
    assert client.get("/staff/nominations/?page=" + "9" * 400).status_code < 500
    assert client.get("/staff/organisations/?page=" + "9" * 400).status_code < 500
