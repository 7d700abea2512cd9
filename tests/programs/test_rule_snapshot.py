"""A cycle keeps the rules its program had when nominations closed: editing the program
during the vote changes neither the cycle's rules nor its results, and the transparency
page shows that snapshot with the vote totals."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import Role
from app.committee import ballots, queries, results
from app.db_types import utcnow
from app.extensions import db
from app.honors import services as honors
from app.programs import admin
from app.programs.models import BallotRule, Cycle
from app.programs.rules import cycle_rules
from app.programs.workflow import CyclePhase
from tests import factories
from tests.committee.conftest import build
from tests.conftest import csrf_token, login
from tests.programs.test_program_admin import _form


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _vote(app, username, cycle_id, *candidate_ids):
    client = _client(app, username)
    token = csrf_token(client, f"/committee/cycles/{cycle_id}")
    response = client.post(
        f"/committee/cycles/{cycle_id}",
        data={"csrf_token": token, "approve": [str(i) for i in candidate_ids]},
    )
    assert response.status_code == 302


def _edit_program_through_the_web(app, program_id):
    """Staff make every deciding rule different: quota 1, score ballot, a quorum of all."""
    staff = app.test_client()
    with app.app_context():
        username = factories.make_user(Role.STAFF).username
    login(staff, username)
    url = f"/staff/programs/{program_id}"
    token = csrf_token(staff, url)
    data = _form(
        token,
        code=None,
        quota="1",
        ballot_rule="score",
        quorum_num="1",
        quorum_den="1",
        min_mean_score="9.0",
        public_weight_pct="50",
        notice_days="10",
        has_nomination_award="y",
        **{"criteria-0-name_zh": "事迹", "criteria-0-weight": "100"},
    )
    assert staff.post(url, data=data).status_code == 302


def _voted_and_closed(app):
    """Seven members, quota 2, approval, quorum 2/3; the program edited mid-vote, six vote."""
    with app.app_context():
        setup = build()
        cycle = db.session.get(Cycle, setup.cycle_id)
        program_id = cycle.program_id
        assert cycle.rules_snapshot is not None  # taken when nominations closed
    _edit_program_through_the_web(app, program_id)
    a, b, c, _d = setup.candidate_ids
    choices = [(a, b)] * 5 + [(a, c)]
    for username, chosen in zip(setup.member_usernames, choices, strict=False):
        _vote(app, username, setup.cycle_id, *chosen)  # approval ballots still accepted
    with app.app_context():
        cycle = db.session.get(Cycle, setup.cycle_id)
        ballots.close_voting(cycle, actor=None)  # 6 of 7: the snapshot's 2/3, not 1/1
        db.session.commit()
    return setup


def test_program_edit_during_voting_leaves_cycle_rules_and_results_unchanged(app):
    setup = _voted_and_closed(app)
    a, b, c, d = setup.candidate_ids
    with app.app_context():
        cycle = db.session.get(Cycle, setup.cycle_id)
        program = cycle.program
        assert (program.quota, program.ballot_rule, program.quorum_num) == (1, BallotRule.SCORE, 1)
        rules = cycle_rules(cycle)
        assert (rules.quota, rules.ballot_rule) == (2, BallotRule.APPROVAL)
        assert (rules.quorum_num, rules.quorum_den, rules.public_weight_pct) == (2, 3, 0)
        assert (rules.notice_days, rules.has_nomination_award, rules.score_criteria) == (
            7,
            False,
            (),
        )
        result = queries.final_result(cycle)
        assert result.quorum_needed == 5 and result.ballots_cast == 6
        assert result.winners == [a, b]
        assert {r.candidate_id: r.approvals for r in result.rows} == {a: 6, b: 5, c: 1, d: 0}


def test_cycle_still_nominating_follows_program_edits_until_nominations_close(ctx):
    cycle = factories.make_open_cycle()
    admin.update_program(cycle.program, {"quota": 3}, actor=None)
    assert cycle.rules_snapshot is None and cycle_rules(cycle).quota == 3


def test_transparency_page_shows_snapshot_rules_and_vote_totals(app):
    setup = _voted_and_closed(app)
    a, b, _c, _d = setup.candidate_ids
    with app.app_context():
        cycle = db.session.get(Cycle, setup.cycle_id)
        results.apply_results(cycle, actor=None)
        from app.programs.services import transition_cycle

        transition_cycle(cycle, CyclePhase.NOTICE, actor=None, now=utcnow() - timedelta(days=8))
        honors.publish_cycle(cycle, actor=None)
        db.session.commit()
        url = f"/cycles/{cycle.program.code}/{cycle.period}"
    page = app.test_client().get(url + "?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Approval" in html and "quota 2" in html and "quota 1" not in html
    assert "5 ballots (2/3 of the committee)" in html
    assert "approved by more than half of the ballots cast" in html
    assert "at least 7 days" in html and "at least 10 days" not in html
    assert "Nomination award" not in html  # the program's new flag is not this cycle's
    # Vote totals from the tally snapshot: approvals per candidate, names of honorees only.
    assert "<td>候选人0</td>\n        <td>6</td>" in html
    assert "<td>候选人1</td>\n        <td>5</td>" in html
    assert "候选人2" not in html and html.count("candidate not published") == 2
