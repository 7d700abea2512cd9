"""Issue 5 end to end through the web forms: public review → committee → notice with an
upheld objection and a replacement → publication → visible to the public."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notice.models import Objection
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests import factories
from tests.conftest import csrf_token, login


def _client(app, username, remote="127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote
    assert login(client, username).status_code == 302
    return client


def test_public_review_to_publication_through_the_web(app):
    with app.app_context():
        program = factories.make_program(quota=2, public_review=True, public_weight_pct=0)
        cycle = factories.make_open_cycle(program)
        ids = [
            factories.make_nomination(
                cycle,
                name=f"全程{i}",
                id_number=None,
                birth_date=factories.date(1965 + i, 3, 3),
                state=NominationState.QUALIFIED,
            ).id
            for i in range(4)
        ]
        cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        cycle_id, code, period = cycle.id, program.code, cycle.period
        judges = [
            factories.make_user(Role.COMMITTEE, username=f"fulljudge{i}").id for i in range(7)
        ]
        factories.make_user(Role.STAFF, username="fullstaff")
    a, b, c, d = ids
    staff = _client(app, "fullstaff")
    token = csrf_token(staff, f"/staff/cycles/{cycle_id}")

    def move(target):
        staff.post(f"/staff/cycles/{cycle_id}/move", data={"csrf_token": token, "target": target})
        with app.app_context():
            assert db.session.get(Cycle, cycle_id).state.value == target

    move("vetting")
    for i, judge in enumerate(judges):
        staff.post(
            f"/staff/cycles/{cycle_id}/committee",
            data={
                "csrf_token": token,
                "action": "add",
                "id": str(judge),
                **({"chair": "y"} if i == 0 else {}),
            },
        )
    move("public_review")
    for visitor in range(3):  # three members of the public like candidate a
        public = app.test_client()
        public.environ_base["REMOTE_ADDR"] = f"198.51.100.{visitor + 10}"
        ptoken = csrf_token(public, "/review")
        assert public.post(f"/review/{a}/like", data={"csrf_token": ptoken}).status_code == 302
    move("voting")
    choices = [(a, b), (a, b), (a, b), (a, c), (a, c), (b, c), (b, c)]  # a 5, b 5, c 4
    for i, chosen in enumerate(choices):
        judge = _client(app, f"fulljudge{i}")
        jtoken = csrf_token(judge, f"/committee/cycles/{cycle_id}")
        judge.post(
            f"/committee/cycles/{cycle_id}",
            data={"csrf_token": jtoken, "approve": [str(x) for x in chosen]},
        )
    staff.post(f"/staff/cycles/{cycle_id}/results", data={"csrf_token": token, "action": "apply"})
    move("notice")

    public = app.test_client()
    assert "全程1" in public.get("/notice").get_data(as_text=True)
    otoken = csrf_token(public, "/notice/objection")
    public.post(
        "/notice/objection",
        data={
            "csrf_token": otoken,
            "nomination_id": str(b),
            "content": "此人曾因酒驾被处罚，事迹评价不实。",
        },
    )
    with app.app_context():
        objection_id = db.session.scalars(sa.select(Objection.id)).one()
    staff.post(
        f"/staff/objections/{objection_id}",
        data={"csrf_token": token, "decision": "uphold", "reason": "核实属实", "promote": "y"},
    )
    with app.app_context():
        states = dict(db.session.execute(sa.select(Nomination.id, Nomination.state)).tuples().all())
        assert states[b] is NominationState.WITHDRAWN and states[c] is NominationState.IN_NOTICE
        # Let every notice period (the replacement's own included) run out.
        past = utcnow() - timedelta(minutes=1)
        db.session.get(Cycle, cycle_id).notice_starts_at = past - timedelta(days=7)
        db.session.get(Cycle, cycle_id).notice_ends_at = past
        for nomination in db.session.scalars(sa.select(Nomination)):
            if nomination.notice_ends_at:
                nomination.notice_ends_at = past
        db.session.commit()
    staff.post(f"/staff/cycles/{cycle_id}/publish", data={"csrf_token": token, "release_at": ""})
    with app.app_context():
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.PUBLISHED
        slugs = {
            n.id: n.honoree.slug
            for n in db.session.scalars(sa.select(Nomination))
            if n.honoree is not None
        }
    home = public.get("/").get_data(as_text=True)
    assert "全程0" in home and "全程2" in home and "全程1" not in home
    assert public.get(f"/honorees/{slugs[c]}").status_code == 200
    page = public.get(f"/cycles/{code}/{period}").get_data(as_text=True)
    assert "全程0" in page and "全程2" in page and "全程1" not in page
    assert "3" in page  # like total shown after close
