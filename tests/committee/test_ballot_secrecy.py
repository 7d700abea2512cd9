"""Issue 12: the ballot is unreadable before it closes, and frozen after it.

The differencing attack: read every page and export staff, the admin and the chair can
open, let one member vote, read them again and subtract. It recovers nothing when the
pages after the vote are the same whoever voted and whatever they chose.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.committee import ballots, queries
from app.committee import results as committee_results
from app.committee.models import Ballot, Conflict
from app.db_types import utcnow
from app.extensions import cache, db, limiter
from app.programs.models import Cycle
from tests import factories
from tests.committee.conftest import build
from tests.committee.test_committee_web import _get_urls
from tests.conftest import csrf_token, empty_all_tables, login

VOLATILE = [
    (re.compile(r'(name="csrf_token"[^>]*value=")[^"]+'), r"\1TOKEN"),
    (re.compile(r'(name="csrf-token" content=")[^"]+'), r"\1TOKEN"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?"), "DATETIME"),
    (re.compile(r"\b\d{2}:\d{2}(:\d{2})?\b"), "TIME"),
    (re.compile(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}"), "RECEIPT"),
]


def _client(app, username, password=factories.DEFAULT_PASSWORD, lang=None):
    client = app.test_client()
    if lang:
        client.set_cookie("lang", lang)
    assert login(client, username, password).status_code == 302
    return client


def _vote(client, cycle_id, *candidate_ids):
    token = csrf_token(client, f"/committee/cycles/{cycle_id}")
    return client.post(
        f"/committee/cycles/{cycle_id}",
        data={"csrf_token": token, "approve": [str(i) for i in candidate_ids]},
    )


def _body(response) -> str:
    if response.mimetype.endswith("sheet"):
        workbook = load_workbook(io.BytesIO(response.data))
        text = str([list(r) for ws in workbook for r in ws.iter_rows(values_only=True)])
    else:
        text = f"{response.status_code} {response.headers.get('Location', '')} "
        text += response.get_data(as_text=True)
    response.close()
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _everything_readable(app, setup, viewer, chair) -> dict[str, str]:
    """Every GET page and export of staff/admin (and the chair's), normalised."""
    with app.app_context():
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "diff-admin"))
    urls = _get_urls(app, setup.cycle_id, setup.candidate_ids, admin_id)
    seen = {url: _body(viewer.get(url)) for url in urls}
    for path in ("", "/results", "/bulletin"):
        url = f"/committee/cycles/{setup.cycle_id}{path}"
        seen[f"chair {url}"] = _body(chair.get(url))
    return seen


def _world(app, monkeypatch, voter: int, choice: list[int]) -> tuple[dict, dict]:
    """A fresh committee of five; three members vote the same way, then `voter` votes
    `choice` (indexes of candidates). Returns the pages read before and after that vote."""
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        cache.clear()
    limiter.reset()
    monkeypatch.setattr(factories, "_counter", itertools.count(9000))
    with app.app_context():
        setup = build(members=6, candidates=4, quota=2, code="diff", name_zh="差分", name_en="Diff")
        factories.make_user(Role.ADMIN, Role.STAFF, username="diff-admin")
    viewer = _client(app, "diff-admin", lang="en")
    chair = _client(app, setup.member_usernames[0], lang="en")
    a, b, c, d = setup.candidate_ids
    for username in setup.member_usernames[1:4]:
        assert _vote(_client(app, username), setup.cycle_id, a, b).status_code == 302
    # Both suspects open their ballot page: only the voter submits.
    suspects = {i: _client(app, setup.member_usernames[i]) for i in (4, 5)}
    for client in suspects.values():
        client.get(f"/committee/cycles/{setup.cycle_id}")
    before = _everything_readable(app, setup, viewer, chair)
    ids = setup.candidate_ids
    response = _vote(suspects[voter], setup.cycle_id, *(ids[i] for i in choice))
    assert response.status_code == 302
    after = _everything_readable(app, setup, viewer, chair)
    return before, after


def test_differencing_attack_before_close_recovers_neither_who_nor_what(app, monkeypatch):
    before_a, after_a = _world(app, monkeypatch, voter=4, choice=[2, 3])
    before_b, after_b = _world(app, monkeypatch, voter=5, choice=[0])
    assert before_a == before_b
    assert sorted(after_a) == sorted(after_b)
    differing = [url for url in after_a if after_a[url] != after_b[url]]
    assert differing == []
    results = next(u for u in after_a if u.startswith("/staff/") and u.endswith("/results"))
    assert results.replace("/results", "/results.xlsx") in after_a
    assert f"chair /committee{results.removeprefix('/staff')}" in after_a
    # The vote did reach the pages: only the turnout count moved, from 3 to 4 members.
    assert "Turnout: 3 of 6 members have voted" in before_a[results]
    assert after_a[results] == before_a[results].replace(
        "Turnout: 3 of 6 members have voted", "Turnout: 4 of 6 members have voted"
    )


def test_results_page_and_export_before_close_show_turnout_count_only(app):
    with app.app_context():
        setup = build(members=3, candidates=3, quota=2)
    a, b, c = setup.candidate_ids
    for username in setup.member_usernames:
        _vote(_client(app, username), setup.cycle_id, a)
    staff = _client(app, setup.staff_username)
    chair = _client(app, setup.member_usernames[0])
    page = staff.get(f"/staff/cycles/{setup.cycle_id}/results?lang=en").get_data(as_text=True)
    chair_page = chair.get(f"/committee/cycles/{setup.cycle_id}/results").get_data(as_text=True)
    export = staff.get(f"/staff/cycles/{setup.cycle_id}/results.xlsx")
    assert "Turnout: 3 of 3 members have voted; quorum 2." in page
    for html in (page, chair_page):
        assert all(name not in html for name in setup.candidate_names)
        assert "<table" not in html
    assert export.status_code == 302
    assert export.headers["Location"].endswith(f"/staff/cycles/{setup.cycle_id}/results")
    manage = staff.get(f"/staff/cycles/{setup.cycle_id}/committee?lang=en").get_data(as_text=True)
    assert "Turnout: 3 of 3 members have voted; quorum 2." in manage
    assert ">voted<" not in manage and "not yet" not in manage


def test_staff_close_then_results_shown_once_from_final_ballots(app, voting):
    from app.committee.models import TallySnapshot

    a, b, c, d = voting.candidate_ids
    for username in voting.member_usernames[:5]:
        _vote(_client(app, username), voting.cycle_id, a, b)
    staff = _client(app, voting.staff_username)
    token = csrf_token(staff, f"/staff/cycles/{voting.cycle_id}/results")
    staff.post(
        f"/staff/cycles/{voting.cycle_id}/results", data={"csrf_token": token, "action": "close"}
    )
    with app.app_context():
        cycle = db.session.get(Cycle, voting.cycle_id)
        assert cycle.voting_closed_at is not None
        snapshot = db.session.scalars(sa.select(TallySnapshot)).one()
        assert (snapshot.cycle_id, snapshot.round) == (voting.cycle_id, 0)
        approvals = {r["candidate_id"]: r["approvals"] for r in snapshot.result["rows"]}
        assert approvals == {a: 5, b: 5, c: 0, d: 0}
        # A recusal slipped into the database behind the services' back changes nothing:
        # the results were computed at the close.
        db.session.add(
            Conflict(
                cycle_id=cycle.id,
                member_id=voting.member_ids[0],
                nomination_id=a,
                status="recused",
            )
        )
        db.session.commit()
        main = queries.final_result(cycle)
        assert {r.candidate_id: r.approvals for r in main.rows} == approvals
    export = staff.get(f"/staff/cycles/{voting.cycle_id}/results.xlsx")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert [(r[1], r[2]) for r in rows[4:6]] == [("候选人0", 5), ("候选人1", 5)]


def test_close_without_quorum_refused_and_results_stay_hidden(app, voting):
    from app.committee.models import TallySnapshot

    _vote(_client(app, voting.member_usernames[1]), voting.cycle_id, voting.candidate_ids[0])
    staff = _client(app, voting.staff_username)
    token = csrf_token(staff, f"/staff/cycles/{voting.cycle_id}/results")
    response = staff.post(
        f"/staff/cycles/{voting.cycle_id}/results?lang=en",
        data={"csrf_token": token, "action": "close"},
        follow_redirects=True,
    )
    assert "Quorum not met: 1 ballots of 7 members, 5 needed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Cycle, voting.cycle_id).voting_closed_at is None
        assert db.session.scalar(sa.select(sa.func.count(TallySnapshot.id))) == 0


def test_ballot_after_voting_ends_at_refused_with_page_naming_the_date(app, voting):
    judge = _client(app, voting.member_usernames[1])
    token = csrf_token(judge, f"/committee/cycles/{voting.cycle_id}")
    with app.app_context():
        cycle = db.session.get(Cycle, voting.cycle_id)
        cycle.voting_ends_at = utcnow().replace(year=2026, month=1, day=31, hour=4, minute=0)
        db.session.commit()
    response = judge.post(
        f"/committee/cycles/{voting.cycle_id}?lang=en",
        data={"csrf_token": token, "approve": [str(voting.candidate_ids[0])]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Voting ended on 2026-01-31 12:00." in html  # shown in Asia/Shanghai
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_ballot_after_staff_close_refused_and_counted_ballots_unchanged(app, voting):
    a, b = voting.candidate_ids[:2]
    late = _client(app, voting.member_usernames[6])
    token = csrf_token(late, f"/committee/cycles/{voting.cycle_id}")
    for username in voting.member_usernames[:5]:
        _vote(_client(app, username), voting.cycle_id, a)
    with app.app_context():
        ballots.close_voting(db.session.get(Cycle, voting.cycle_id), actor=None)
        db.session.commit()
    response = late.post(
        f"/committee/cycles/{voting.cycle_id}",
        data={"csrf_token": token, "approve": [str(b)]},
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 5


def test_recusal_after_close_refused_and_promotion_after_upheld_objection_unchanged(app):
    from pathlib import Path

    from app.nominations.models import Nomination
    from app.notice import services as notice
    from app.programs import services as cycle_services
    from app.programs.models import BallotRule
    from app.programs.workflow import CyclePhase

    with app.app_context():
        setup = build(members=3, candidates=3, quota=1, ballot_rule=BallotRule.SCORE)
    winner, runner_up, third = setup.candidate_ids
    # Means: winner 10; runner-up (10 + 6 + 6) / 3 = 7.33; third (4 + 8 + 8) / 3 = 6.67.
    # Without member 0 on the runner-up its mean would be 6 and the third would come next.
    marks = [(10, 10, 4), (10, 6, 8), (10, 6, 8)]
    with app.app_context():
        cycle = db.session.get(Cycle, setup.cycle_id)
        for member, scores in zip(queries.roster(cycle), marks, strict=True):
            data = ballots.BallotInput(
                scores={n: {"overall": s} for n, s in zip(setup.candidate_ids, scores, strict=True)}
            )
            ballots.submit_ballot(cycle, member, data, secret="s")
        committee_results.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        db.session.commit()
    judge = _client(app, setup.member_usernames[0])
    token = csrf_token(judge, f"/committee/cycles/{setup.cycle_id}")
    response = judge.post(
        f"/committee/cycles/{setup.cycle_id}/conflicts/{runner_up}",
        data={"csrf_token": token, "action": "recuse", "reason": "补报的回避"},
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Conflict.id))) == 0
        objection = notice.file_objection(
            db.session.get(Nomination, winner),
            content="事迹不实",
            contact=None,
            evidence=None,
            root=Path(app.instance_path) / "uploads",
        )
        promoted = notice.resolve_objection(
            objection, upheld=True, reason="查实", promote=True, actor=None
        )
        assert promoted.id == runner_up


def test_ballot_submission_audited_without_member_or_content(app, voting):
    _vote(_client(app, voting.member_usernames[2]), voting.cycle_id, voting.candidate_ids[3])
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "ballot.submitted")
        ).one()
        assert (event.actor_id, event.object_id, event.before, event.after) == (
            None,
            voting.cycle_id,
            None,
            {"round": 0},
        )


def test_schedule_closes_votes_whose_end_passed_and_only_with_quorum(app, runner):
    from app.committee.models import TallySnapshot

    with app.app_context():
        due = build(members=3, candidates=2, quota=1)
        short = build(members=3, candidates=2, quota=1)
        later = build(members=3, candidates=2, quota=1)
    for setup, voters in ((due, 3), (short, 1), (later, 3)):
        for username in setup.member_usernames[:voters]:
            _vote(_client(app, username), setup.cycle_id, setup.candidate_ids[0])
    with app.app_context():
        now = utcnow()
        for setup, end in ((due, -1), (short, -1), (later, +1)):
            db.session.get(Cycle, setup.cycle_id).voting_ends_at = now + timedelta(hours=end)
        db.session.commit()
    result = runner.invoke(args=["honors", "schedule", "--today", "2026-12-04"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        closed = {
            c.id: c.voting_closed_at is not None
            for c in db.session.scalars(sa.select(Cycle).where(Cycle.period == "2026-11"))
        }
        assert closed == {due.cycle_id: True, short.cycle_id: False, later.cycle_id: False}
        snapshots = db.session.execute(sa.select(TallySnapshot.cycle_id, TallySnapshot.round))
        assert snapshots.tuples().all() == [(due.cycle_id, 0)]
        code = db.session.get(Cycle, due.cycle_id).program.code
    assert f"voting closed {code} 2026-11" in result.output
    again = runner.invoke(args=["honors", "schedule", "--today", "2026-12-04"])
    assert "voting closed" not in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TallySnapshot.id))) == 1


def test_reminder_goes_to_members_who_have_not_voted(app):
    from app.notifications.models import Notification

    with app.app_context():
        setup = build(members=4, candidates=2, quota=1)
    _vote(_client(app, setup.member_usernames[1]), setup.cycle_id, setup.candidate_ids[0])
    staff = _client(app, setup.staff_username)
    token = csrf_token(staff, f"/staff/cycles/{setup.cycle_id}/results")
    response = staff.post(
        f"/staff/cycles/{setup.cycle_id}/results?lang=en",
        data={"csrf_token": token, "action": "remind"},
        follow_redirects=True,
    )
    assert "Reminder sent to 3 members." in response.get_data(as_text=True)
    with app.app_context():
        reminded = set(
            db.session.scalars(
                sa.select(User.username).join(Notification, Notification.user_id == User.id)
            )
        )
        assert reminded == {setup.member_usernames[i] for i in (0, 2, 3)}


def test_runoff_figures_hidden_until_staff_close_the_runoff(app):
    with app.app_context():
        setup = build(members=5, candidates=3, quota=2)
    a, b, c = setup.candidate_ids
    for username, chosen in zip(
        setup.member_usernames, [(a, b), (a, b), (a, c), (a, c), (b, c)], strict=True
    ):
        _vote(_client(app, username), setup.cycle_id, *chosen)
    staff = _client(app, setup.staff_username, lang="en")
    token = csrf_token(staff, f"/staff/cycles/{setup.cycle_id}/results")
    for action in ("close", "runoff"):  # b and c tie for the last place
        staff.post(
            f"/staff/cycles/{setup.cycle_id}/results",
            data={"csrf_token": token, "action": action},
        )
    for username in setup.member_usernames[:4]:
        _vote(_client(app, username), setup.cycle_id, b)
    page = staff.get(f"/staff/cycles/{setup.cycle_id}/results").get_data(as_text=True)
    export = staff.get(f"/staff/cycles/{setup.cycle_id}/results.xlsx")
    sheet = [r for r in load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True)]
    assert "Turnout: 4 of 5 members have voted; quorum 4." in page
    assert "open: the figures are shown once it is closed." in page
    assert page.count("<table") == 1  # the main ballot only
    assert not any(row and str(row[0]).startswith("Runoff") for row in sheet)
    staff.post(
        f"/staff/cycles/{setup.cycle_id}/results",
        data={"csrf_token": token, "action": "close_runoff"},
    )
    page = staff.get(f"/staff/cycles/{setup.cycle_id}/results").get_data(as_text=True)
    assert page.count("<table") == 2
    with app.app_context():
        cycle = db.session.get(Cycle, setup.cycle_id)
        runoff = queries.final_result(cycle, 1)
        assert {r.candidate_id: r.approvals for r in runoff.rows} == {b: 4, c: 0}
