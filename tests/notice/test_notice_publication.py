"""Public notice, objections, publication (now and scheduled), revocation, transparency."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.committee import ballots, queries, results
from app.db_types import utcnow
from app.extensions import cache, db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notice.models import Objection, ObjectionStatus
from app.programs import services as cycle_services
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from app.registry.models import Honor, Honoree, HonorStatus
from tests.committee.conftest import build
from tests.conftest import csrf_token, login

CONTACT = "13511112222"


@pytest.fixture
def notice(app):
    """7 judges, quota 2: a 5 and b 5 selected; c 4 above threshold but outside the quota."""
    with app.app_context():
        setup = build(members=7, candidates=4, quota=2)
        cycle = db.session.get(Cycle, setup.cycle_id)
        a, b, c, d = setup.candidate_ids
        choices = [(a, b), (a, b), (a, b), (a, c), (a, c), (b, c), (b, c)]
        for member, chosen in zip(queries.roster(cycle), choices, strict=True):
            ballots.submit_ballot(
                cycle, member, ballots.BallotInput(approvals=list(chosen)), secret="s"
            )
        results.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        db.session.commit()
        return {
            "cycle": cycle.id,
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "staff": setup.staff_username,
            "program": cycle.program.code,
            "period": cycle.period,
        }


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _states(app):
    with app.app_context():
        return dict(db.session.execute(sa.select(Nomination.id, Nomination.state)).tuples().all())


def _end_notice(app, cycle_id):
    """Move the clock past every notice period of the cycle."""
    with app.app_context():
        past = utcnow() - timedelta(minutes=1)
        cycle = db.session.get(Cycle, cycle_id)
        cycle.notice_starts_at = past - timedelta(days=7)  # the whole notice lies behind
        cycle.notice_ends_at = past
        for nomination in db.session.scalars(
            sa.select(Nomination).where(Nomination.cycle_id == cycle_id)
        ):
            if nomination.notice_ends_at:
                nomination.notice_ends_at = past
        db.session.commit()


def _file(
    client, nomination_id, content="此人事迹有夸大，请核实。", contact=CONTACT, evidence=None
):
    token = csrf_token(client, "/notice/objection")
    data = {
        "csrf_token": token,
        "nomination_id": str(nomination_id),
        "content": content,
        "contact": contact,
    }
    if evidence is not None:
        data["evidence"] = evidence
    return client.post("/notice/objection", data=data, content_type="multipart/form-data")


def test_notice_page_lists_selected_candidates(client, notice):
    html = client.get("/notice").get_data(as_text=True)
    assert "候选人0" in html and "候选人1" in html
    assert "候选人2" not in html and "候选人3" not in html


def test_objection_lifecycle_dismissed(app, client, notice):
    response = _file(client, notice["a"], evidence=(io.BytesIO(b"%PDF-1.4 test"), "证据.pdf"))
    html = response.get_data(as_text=True)
    with app.app_context():
        objection = db.session.scalars(sa.select(Objection)).one()
        assert objection.reference in html and objection.evidence_type == "application/pdf"
        assert CONTACT not in (objection.contact_enc or "")
        objection_id = objection.id
    staff = _client(app, notice["staff"])
    page = staff.get(f"/staff/objections/{objection_id}").get_data(as_text=True)
    assert CONTACT not in page and "135****2222" in page
    token = csrf_token(staff, f"/staff/objections/{objection_id}")
    staff.post(
        f"/staff/objections/{objection_id}",
        data={"csrf_token": token, "decision": "dismiss", "reason": ""},
    )
    with app.app_context():
        assert db.session.get(Objection, objection_id).status is ObjectionStatus.OPEN
    staff.post(
        f"/staff/objections/{objection_id}",
        data={"csrf_token": token, "decision": "dismiss", "reason": "经核实，事迹属实"},
    )
    with app.app_context():
        assert db.session.get(Objection, objection_id).status is ObjectionStatus.DISMISSED
    assert _states(app)[notice["a"]] is NominationState.IN_NOTICE


def test_objection_needs_content_and_keeps_no_contact_in_page(client, notice):
    html = _file(client, notice["a"], content="").get_data(as_text=True)
    assert 'id="content-error"' in html and CONTACT not in html


def test_objection_rejects_bad_evidence(app, client, notice):
    html = _file(client, notice["a"], evidence=(io.BytesIO(b"<?php ?>"), "x.jpg")).get_data(
        as_text=True
    )
    assert 'id="evidence-error"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Objection)) == 0


def test_upheld_objection_withdraws_and_promotes_next_ranked(app, client, notice):
    _file(client, notice["b"])
    with app.app_context():
        objection_id = db.session.scalars(sa.select(Objection.id)).one()
    staff = _client(app, notice["staff"])
    token = csrf_token(staff, f"/staff/objections/{objection_id}")
    staff.post(
        f"/staff/objections/{objection_id}",
        data={"csrf_token": token, "decision": "uphold", "reason": "隐瞒违法记录", "promote": "y"},
    )
    states = _states(app)
    assert states[notice["b"]] is NominationState.WITHDRAWN
    assert states[notice["c"]] is NominationState.IN_NOTICE
    assert states[notice["d"]] is NominationState.NOT_SELECTED
    with app.app_context():
        promoted = db.session.get(Nomination, notice["c"])
        assert promoted.notice_ends_at - utcnow() > timedelta(days=6)


def test_publication_refused_while_notice_runs_or_objection_open(app, client, notice):
    staff = _client(app, notice["staff"])
    token = csrf_token(staff, f"/staff/cycles/{notice['cycle']}/publish")
    html = staff.post(
        f"/staff/cycles/{notice['cycle']}/publish", data={"csrf_token": token}
    ).get_data(as_text=True)
    assert "公示期至" in html
    _file(client, notice["a"])
    _end_notice(app, notice["cycle"])
    html = staff.post(
        f"/staff/cycles/{notice['cycle']}/publish", data={"csrf_token": token}
    ).get_data(as_text=True)
    assert "异议" in html
    with app.app_context():
        assert db.session.get(Cycle, notice["cycle"]).state is CyclePhase.NOTICE
    # The generic phase button cannot skip publication's own page.
    response = staff.post(
        f"/staff/cycles/{notice['cycle']}/move", data={"csrf_token": token, "target": "published"}
    )
    assert response.headers["Location"].endswith(f"/staff/cycles/{notice['cycle']}/publish")


def _publish(app, notice, release_at=""):
    _end_notice(app, notice["cycle"])
    staff = _client(app, notice["staff"])
    token = csrf_token(staff, f"/staff/cycles/{notice['cycle']}/publish")
    return staff.post(
        f"/staff/cycles/{notice['cycle']}/publish",
        data={"csrf_token": token, "release_at": release_at},
    )


def test_publish_now_creates_honors_in_the_registry(app, client, notice):
    assert _publish(app, notice).status_code == 302
    states = _states(app)
    assert states[notice["a"]] is states[notice["b"]] is NominationState.HONORED
    with app.app_context():
        honors = db.session.scalars(sa.select(Honor)).all()
        assert len(honors) == 2 and {h.status for h in honors} == {HonorStatus.PUBLISHED}
        slug = db.session.get(Nomination, notice["a"]).honoree.slug
    assert "候选人0" in client.get("/").get_data(as_text=True)
    page = client.get(f"/honorees/{slug}")
    assert page.status_code == 200 and "候选人0" in page.get_data(as_text=True)
    transparency = client.get(f"/cycles/{notice['program']}/{notice['period']}")
    html = transparency.get_data(as_text=True)
    assert transparency.status_code == 200
    assert "候选人0" in html and "7" in html  # committee size / turnout


def test_scheduled_release_invisible_before_and_visible_after(app, client, notice):
    from zoneinfo import ZoneInfo

    later = (utcnow() + timedelta(days=2)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert _publish(app, notice, later.strftime("%Y-%m-%dT%H:%M")).status_code == 302
    with app.app_context():
        slug = db.session.get(Nomination, notice["a"]).honoree.slug
    assert client.get(f"/honorees/{slug}").status_code == 404
    assert "候选人0" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/cycles/{notice['program']}/{notice['period']}").status_code == 404
    with app.app_context():  # the release time arrives
        past = utcnow() - timedelta(minutes=1)
        for honor in db.session.scalars(sa.select(Honor)):
            honor.published_at = past
        db.session.get(Cycle, notice["cycle"]).published_at = past
        db.session.commit()
        # Cached pages expire at the release time; this test moves the release time rather
        # than the clock, so it expires them by hand (see test_cache for the timeout).
        cache.clear()
    assert client.get(f"/honorees/{slug}").status_code == 200
    assert "候选人0" in client.get("/").get_data(as_text=True)


def test_revocation_answers_410_and_leaves_lists(app, client, notice):
    _publish(app, notice)
    with app.app_context():
        honoree = db.session.get(Nomination, notice["a"]).honoree
        slug, honoree_id = honoree.slug, honoree.id
        honor_id = db.session.scalar(sa.select(Honor.id).where(Honor.honoree_id == honoree_id))
    staff = _client(app, notice["staff"])
    token = csrf_token(staff, f"/staff/honorees/{honoree_id}")
    staff.post(
        f"/staff/honorees/{honoree_id}",
        data={"csrf_token": token, "honor_id": str(honor_id), "reason": "事迹造假"},
    )
    gone = client.get(f"/honorees/{slug}")
    assert gone.status_code == 410 and "页面已撤下" in gone.get_data(as_text=True)
    assert "候选人0" not in client.get("/").get_data(as_text=True)
    transparency = client.get(f"/cycles/{notice['program']}/{notice['period']}")
    assert "候选人0" not in transparency.get_data(as_text=True)
    with app.app_context():
        honor = db.session.get(Honor, honor_id)
        assert honor.status is HonorStatus.REVOKED and honor.revoke_reason == "事迹造假"


def test_consent_withdrawal_takes_the_page_down(app, client, notice):
    _publish(app, notice)
    with app.app_context():
        honoree = db.session.get(Nomination, notice["b"]).honoree
        slug, honoree_id = honoree.slug, honoree.id
    staff = _client(app, notice["staff"])
    token = csrf_token(staff, f"/staff/honorees/{honoree_id}")
    staff.post(
        f"/staff/honorees/{honoree_id}",
        data={"csrf_token": token, "action": "withdraw_consent", "reason": "本人申请撤回"},
    )
    assert client.get(f"/honorees/{slug}").status_code == 410
    with app.app_context():
        assert db.session.get(Honoree, honoree_id).consent_withdrawn_at is not None


def test_consent_withdrawn_twice_keeps_the_first_date(app, notice):
    _publish(app, notice)
    with app.app_context():
        honoree_id = db.session.get(Nomination, notice["b"]).honoree_id
    staff = _client(app, notice["staff"])
    token = csrf_token(staff, f"/staff/honorees/{honoree_id}")
    data = {"csrf_token": token, "action": "withdraw_consent", "reason": "本人申请撤回"}
    staff.post(f"/staff/honorees/{honoree_id}", data=data)
    with staff.session_transaction() as session:
        session.pop("_flashes", None)
    with app.app_context():
        first = db.session.get(Honoree, honoree_id).consent_withdrawn_at
    again = staff.post(f"/staff/honorees/{honoree_id}", data=data)
    with staff.session_transaction() as session:
        flashes = session.get("_flashes", [])
    assert again.status_code == 302 and [c for c, _m in flashes] == ["error"]
    with app.app_context():
        assert first is not None
        assert db.session.get(Honoree, honoree_id).consent_withdrawn_at == first


def test_unknown_or_unpublished_pages_are_404(client, notice):
    assert client.get("/honorees/nope").status_code == 404
    assert client.get(f"/cycles/{notice['program']}/{notice['period']}").status_code == 404
    assert client.get("/cycles/x/y").status_code == 404
