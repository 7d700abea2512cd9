"""Committee through the web only, and secrecy over every route staff can open."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role, User
from app.committee.models import Ballot, BallotVersion
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests import factories
from tests.conftest import csrf_token, login


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_qualified_to_applied_results_with_seven_judges_all_by_web(app):
    with app.app_context():
        cycle = factories.make_open_cycle(factories.make_program(quota=2))
        ids = [
            factories.make_nomination(
                cycle,
                name=f"网页候选{i}",
                id_number=None,
                birth_date=factories.date(1960 + i, 2, 2),
                state=NominationState.QUALIFIED,
            ).id
            for i in range(3)
        ]
        cycle.nominations_close_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        cycle_id = cycle.id
        judges = [factories.make_user(Role.COMMITTEE, username=f"webjudge{i}") for i in range(7)]
        judge_ids = [j.id for j in judges]
        factories.make_user(Role.STAFF, username="webstaff")
    staff = _client(app, "webstaff")
    token = csrf_token(staff, f"/staff/cycles/{cycle_id}")
    staff.post(f"/staff/cycles/{cycle_id}/move", data={"csrf_token": token, "target": "vetting"})
    for i, judge_id in enumerate(judge_ids):
        data = {"csrf_token": token, "action": "add", "id": str(judge_id)}
        if i == 0:
            data["chair"] = "y"
        staff.post(f"/staff/cycles/{cycle_id}/committee", data=data)
    staff.post(f"/staff/cycles/{cycle_id}/move", data={"csrf_token": token, "target": "voting"})
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.VOTING
    a, b, c = ids
    choices = [(a, b), (a, b), (a, b), (a, c), (a, b), (b,), (a,)]
    for i, chosen in enumerate(choices):
        judge = _client(app, f"webjudge{i}")
        page = judge.get(f"/committee/cycles/{cycle_id}").get_data(as_text=True)
        assert "末位并列" in page or "加试" in page  # the tie policy is shown before voting
        vtoken = csrf_token(judge, f"/committee/cycles/{cycle_id}")
        response = judge.post(
            f"/committee/cycles/{cycle_id}",
            data={"csrf_token": vtoken, "approve": [str(x) for x in chosen]},
        )
        assert response.status_code == 302
    staff.post(f"/staff/cycles/{cycle_id}/results", data={"csrf_token": token, "action": "apply"})
    staff.post(f"/staff/cycles/{cycle_id}/move", data={"csrf_token": token, "target": "notice"})
    with app.app_context():
        states = dict(db.session.execute(sa.select(Nomination.id, Nomination.state)).tuples().all())
        assert states == {
            a: NominationState.IN_NOTICE,
            b: NominationState.IN_NOTICE,
            c: NominationState.NOT_SELECTED,
        }
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.NOTICE


def _get_urls(app, cycle_id, nomination_ids, user_id):
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        path = rule.rule
        names = re.findall(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", path)
        if any(
            n not in {"cycle_id", "nomination_id", "user_id", "recommendation_id"} for n in names
        ):
            continue
        targets = nomination_ids if "nomination_id" in names else [None]
        for nomination_id in targets:
            url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?cycle_id>", str(cycle_id), path)
            url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?user_id>", str(user_id), url)
            url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?recommendation_id>", "1", url)
            if nomination_id is not None:
                url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?nomination_id>", str(nomination_id), url)
            urls.add(url)
    return sorted(urls)


def test_no_route_shows_a_members_choices_to_staff_or_admins(app):
    from tests.committee.conftest import build

    with app.app_context():
        setup = build(members=3, candidates=3, quota=2)
        factories.make_user(Role.ADMIN, Role.STAFF, username="secrecy-admin")
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "secrecy-admin"))
    judge = _client(app, setup.member_usernames[1])
    vtoken = csrf_token(judge, f"/committee/cycles/{setup.cycle_id}")
    judge.post(
        f"/committee/cycles/{setup.cycle_id}",
        data={"csrf_token": vtoken, "approve": [str(setup.candidate_ids[2])]},
    )
    with app.app_context():
        contents = [json.dumps(c) for c in db.session.scalars(sa.select(BallotVersion.content))]
        receipts = list(db.session.scalars(sa.select(Ballot.receipt)))
    assert contents
    viewer = _client(app, "secrecy-admin")
    urls = _get_urls(app, setup.cycle_id, setup.candidate_ids, admin_id)
    assert f"/staff/cycles/{setup.cycle_id}/results" in urls
    for url in urls:
        response = viewer.get(url)
        if response.status_code != 200:
            continue
        if response.mimetype.endswith("sheet"):
            workbook = load_workbook(io.BytesIO(response.data))
            body = str([list(r) for ws in workbook for r in ws.iter_rows(values_only=True)])
        else:
            body = response.get_data(as_text=True)
        response.close()
        for content in contents:
            assert content not in body, url
        assert "approvals" not in body, url
        assert not any(receipt in body for receipt in receipts), url
