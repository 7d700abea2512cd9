"""Committee: roster freeze, conflicts, ballots and receipts, secrecy, results, runoff."""

from __future__ import annotations

import io
import json
import threading

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.models import Role
from app.committee import ballots as committee_ballots
from app.committee import queries, roster, workflow
from app.committee.models import Ballot, BallotVersion, Conflict, ConflictStatus
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests import factories
from tests.committee.conftest import build
from tests.conftest import csrf_token, login


def _client(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _vote(client, cycle_id, *candidate_ids):
    token = csrf_token(client, f"/committee/cycles/{cycle_id}")
    return client.post(
        f"/committee/cycles/{cycle_id}",
        data={"csrf_token": token, "approve": [str(i) for i in candidate_ids]},
    )


def test_voting_requires_committee_and_chair(app, ctx):
    from app.db_types import utcnow
    from app.programs import services as cycle_services
    from app.programs.workflow import TransitionError

    cycle = factories.make_open_cycle()
    factories.make_nomination(cycle, state=NominationState.QUALIFIED)
    cycle.nominations_close_at = utcnow()
    cycle_services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
    with pytest.raises(TransitionError, match="评审委员会|committee"):
        cycle_services.transition_cycle(cycle, CyclePhase.VOTING, actor=None)
    roster.add_member(cycle, factories.make_user(Role.COMMITTEE), actor=None)
    with pytest.raises(TransitionError, match="主任|chair"):
        cycle_services.transition_cycle(cycle, CyclePhase.VOTING, actor=None)


def test_roster_and_candidates_frozen_when_voting_opens(app, voting):
    with app.app_context():
        cycle = db.session.get(Cycle, voting.cycle_id)
        assert cycle.committee_frozen_at is not None
        states = set(db.session.scalars(sa.select(Nomination.state)))
        assert states == {NominationState.SHORTLISTED}
        with pytest.raises(workflow.CommitteeError):
            roster.add_member(cycle, factories.make_user(Role.COMMITTEE), actor=None)
    staff = _client(app, voting.staff_username)
    token = csrf_token(staff, f"/staff/cycles/{voting.cycle_id}/committee")
    response = staff.post(
        f"/staff/cycles/{voting.cycle_id}/committee",
        data={"csrf_token": token, "action": "remove", "id": str(voting.member_ids[1])},
        follow_redirects=True,
    )
    assert len(services_roster(app, voting)) == 7
    assert response.status_code == 200


def services_roster(app, voting):
    with app.app_context():
        return queries.roster(db.session.get(Cycle, voting.cycle_id))


def test_non_members_get_403(app, voting):
    with app.app_context():
        factories.make_user(Role.COMMITTEE, username="outsider-judge")
    client = _client(app, "outsider-judge")
    assert client.get(f"/committee/cycles/{voting.cycle_id}").status_code == 403
    staff = _client(app, voting.staff_username)
    assert staff.get("/committee/").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/committee/").status_code == 302


def test_member_of_another_cycle_cannot_see_this_ballot(app, voting):
    with app.app_context():
        second = build(members=3)
    client = _client(app, second.member_usernames[1])
    assert client.get(f"/committee/cycles/{second.cycle_id}").status_code == 200
    assert client.get(f"/committee/cycles/{voting.cycle_id}").status_code == 403
    assert client.get(f"/committee/cycles/{voting.cycle_id}/bulletin").status_code == 403


def test_over_quota_refused_and_choices_kept(app, voting):
    client = _client(app, voting.member_usernames[1])
    response = _vote(client, voting.cycle_id, *voting.candidate_ids[:3])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "最多" in html or "at most" in html
    for candidate_id in voting.candidate_ids[:3]:
        assert f'value="{candidate_id}" checked' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0


def test_changed_ballot_last_counts_versions_kept_receipt_on_bulletin(app, voting):
    client = _client(app, voting.member_usernames[1])
    a, b = voting.candidate_ids[:2]
    _vote(client, voting.cycle_id, a)
    _vote(client, voting.cycle_id, b)
    with app.app_context():
        ballot = db.session.scalars(sa.select(Ballot)).one()
        assert ballot.content == {"approvals": [b]} and ballot.version == 2
        versions = db.session.scalars(
            sa.select(BallotVersion.content).order_by(BallotVersion.version)
        ).all()
        assert versions == [{"approvals": [a]}, {"approvals": [b]}]
        receipt = ballot.receipt
        cycle = db.session.get(Cycle, voting.cycle_id)
        main = queries.compute(cycle)
        counts = {r.candidate_id: r.approvals for r in main.rows}
        assert counts[a] == 0 and counts[b] == 1
    page = client.get(f"/committee/cycles/{voting.cycle_id}/bulletin?receipt={receipt}")
    html = page.get_data(as_text=True)
    assert receipt in html and "flash-success" in html
    stale = client.get(f"/committee/cycles/{voting.cycle_id}/bulletin?receipt=0000-0000-0000-0000")
    assert "flash-error" in stale.get_data(as_text=True)


def test_auto_flag_blocks_ballot_until_confirmed_or_recused(app):
    with app.app_context():
        setup = build(same_org_member=True)
    judge = _client(app, setup.member_usernames[0])
    flagged = setup.candidate_ids[0]
    response = _vote(judge, setup.cycle_id, setup.candidate_ids[1])
    assert "form-errors" in response.get_data(as_text=True)
    token = csrf_token(judge, f"/committee/cycles/{setup.cycle_id}")
    judge.post(
        f"/committee/cycles/{setup.cycle_id}/conflicts/{flagged}",
        data={"csrf_token": token, "action": "recuse", "reason": ""},
    )
    with app.app_context():
        assert db.session.scalars(sa.select(Conflict.status)).one() is ConflictStatus.FLAGGED
    judge.post(
        f"/committee/cycles/{setup.cycle_id}/conflicts/{flagged}",
        data={"csrf_token": token, "action": "recuse", "reason": "我是该社区的居民"},
    )
    assert _vote(judge, setup.cycle_id, setup.candidate_ids[1]).status_code == 302
    # A recused candidate cannot be approved.
    response = _vote(judge, setup.cycle_id, flagged)
    assert response.status_code == 200 and "form-errors" in response.get_data(as_text=True)
    with app.app_context():
        cycle = db.session.get(Cycle, setup.cycle_id)
        assert (setup.member_ids[0], flagged) in queries.recusals(cycle)


def test_declared_conflict_excludes_member_from_candidate_count(app, voting):
    judge = _client(app, voting.member_usernames[2])
    target = voting.candidate_ids[3]
    token = csrf_token(judge, f"/committee/cycles/{voting.cycle_id}")
    judge.post(
        f"/committee/cycles/{voting.cycle_id}/conflicts/{target}",
        data={"csrf_token": token, "action": "recuse", "reason": "亲属关系"},
    )
    _vote(judge, voting.cycle_id, voting.candidate_ids[0])
    with app.app_context():
        main = queries.compute(db.session.get(Cycle, voting.cycle_id))
        row = next(r for r in main.rows if r.candidate_id == target)
        assert (row.eligible_ballots, row.recusals) == (0, 1)


def _everyone_votes(app, setup, choices):
    for username, chosen in zip(setup.member_usernames, choices, strict=False):
        assert _vote(_client(app, username), setup.cycle_id, *chosen).status_code == 302


def test_full_committee_to_applied_results_through_the_web(app, voting):
    a, b, c, d = voting.candidate_ids
    # 7 members: a 7, b 5, c 3, d 1 → quota 2: a and b; c, d out (c below half: 3/7).
    choices = [(a, b), (a, b), (a, b), (a, b), (a, b), (a, c), (a, d)]
    staff = _client(app, voting.staff_username)
    token = csrf_token(staff, f"/staff/cycles/{voting.cycle_id}/results")
    # Without quorum the vote cannot close: the refusal gives the turnout count.
    _everyone_votes(app, voting, choices[:4])
    staff.post(
        f"/staff/cycles/{voting.cycle_id}/results", data={"csrf_token": token, "action": "apply"}
    )
    move = staff.post(
        f"/staff/cycles/{voting.cycle_id}/move",
        data={"csrf_token": token, "target": "notice"},
        follow_redirects=True,
    )
    assert "4" in move.get_data(as_text=True) and "5" in move.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Cycle, voting.cycle_id).state is CyclePhase.VOTING
    for username, chosen in zip(voting.member_usernames[4:], choices[4:], strict=True):
        _vote(_client(app, username), voting.cycle_id, *chosen)
    results = staff.get(f"/staff/cycles/{voting.cycle_id}/results").get_data(as_text=True)
    assert "候选人0" not in results  # no figure per candidate before the close
    staff.post(
        f"/staff/cycles/{voting.cycle_id}/results", data={"csrf_token": token, "action": "close"}
    )
    results = staff.get(f"/staff/cycles/{voting.cycle_id}/results").get_data(as_text=True)
    assert "候选人0" in results and "<td>7</td>" in results
    staff.post(
        f"/staff/cycles/{voting.cycle_id}/results", data={"csrf_token": token, "action": "apply"}
    )
    with app.app_context():
        states = dict(db.session.execute(sa.select(Nomination.id, Nomination.state)).tuples().all())
        assert states == {
            a: NominationState.SELECTED,
            b: NominationState.SELECTED,
            c: NominationState.NOT_SELECTED,
            d: NominationState.NOT_SELECTED,
        }
    staff.post(
        f"/staff/cycles/{voting.cycle_id}/move", data={"csrf_token": token, "target": "notice"}
    )
    with app.app_context():
        assert db.session.get(Cycle, voting.cycle_id).state is CyclePhase.NOTICE
        assert db.session.get(Nomination, a).state is NominationState.IN_NOTICE
    workbook = load_workbook(
        io.BytesIO(staff.get(f"/staff/cycles/{voting.cycle_id}/results.xlsx").data)
    )
    text = str([list(r) for r in workbook.active.iter_rows(values_only=True)])
    assert "候选人0" in text
    assert not any(name in text for name in voting.member_usernames)


def test_tie_runoff_then_chair_decision(app):
    with app.app_context():
        setup = build(members=5, candidates=3, quota=2)
    a, b, c = setup.candidate_ids
    # 5 members, at most 2 choices each: a 4, b 3, c 3 (all more than half) → a wins,
    # b and c are tied for the one place left.
    _everyone_votes(app, setup, [(a, b), (a, b), (a, c), (a, c), (b, c)])
    with app.app_context():
        assert queries.outcome(db.session.get(Cycle, setup.cycle_id)) is None
    staff = _client(app, setup.staff_username)
    token = csrf_token(staff, f"/staff/cycles/{setup.cycle_id}/results")
    staff.post(
        f"/staff/cycles/{setup.cycle_id}/results", data={"csrf_token": token, "action": "close"}
    )
    with app.app_context():
        outcome = queries.outcome(db.session.get(Cycle, setup.cycle_id))
        assert outcome.winners == [a] and sorted(outcome.unresolved) == [b, c]
        assert outcome.places_open == 1
    staff.post(
        f"/staff/cycles/{setup.cycle_id}/results", data={"csrf_token": token, "action": "apply"}
    )
    with app.app_context():
        assert db.session.get(Cycle, setup.cycle_id).results_applied_at is None
    staff.post(
        f"/staff/cycles/{setup.cycle_id}/results", data={"csrf_token": token, "action": "runoff"}
    )
    runoff_page = (
        _client(app, setup.member_usernames[1])
        .get(f"/committee/cycles/{setup.cycle_id}")
        .get_data(as_text=True)
    )
    assert f'value="{a}"' not in runoff_page and f'value="{b}"' in runoff_page
    # Runoff: 2 for b, 2 for c, one blank ballot → tied again.
    _everyone_votes(app, setup, [(b,), (c,), (b,), (c,), ()])
    staff.post(
        f"/staff/cycles/{setup.cycle_id}/results",
        data={"csrf_token": token, "action": "close_runoff"},
    )
    chair = _client(app, setup.member_usernames[0])
    ctoken = csrf_token(chair, f"/committee/cycles/{setup.cycle_id}/results")
    chair.post(
        f"/committee/cycles/{setup.cycle_id}/results",
        data={"csrf_token": ctoken, "chosen": [str(c)], "reason": ""},
    )
    chair.post(
        f"/committee/cycles/{setup.cycle_id}/results",
        data={"csrf_token": ctoken, "chosen": [str(c)], "reason": "事迹影响更广"},
    )
    staff.post(
        f"/staff/cycles/{setup.cycle_id}/results", data={"csrf_token": token, "action": "apply"}
    )
    with app.app_context():
        states = dict(db.session.execute(sa.select(Nomination.id, Nomination.state)).tuples().all())
    assert states[a] is states[c] is NominationState.SELECTED
    assert states[b] is NominationState.NOT_SELECTED
    # A plain member cannot see the results before publication.
    member = _client(app, setup.member_usernames[1])
    assert member.get(f"/committee/cycles/{setup.cycle_id}/results").status_code == 403


def test_staff_never_see_individual_choices(app, voting):
    a, b, c, d = voting.candidate_ids
    _everyone_votes(app, voting, [(a, d)])
    with app.app_context():
        content = db.session.scalars(sa.select(Ballot.content)).one()
    needle = json.dumps(content)
    staff = _client(app, voting.staff_username)
    urls = [
        f"/staff/cycles/{voting.cycle_id}",
        f"/staff/cycles/{voting.cycle_id}/committee",
        f"/staff/cycles/{voting.cycle_id}/results",
        "/staff/audit/",
        "/staff/",
        f"/staff/nominations/{a}",
        f"/staff/nominations/{d}",
    ]
    for url in urls:
        html = staff.get(url).get_data(as_text=True)
        assert needle not in html and '"approvals"' not in html and "approvals" not in html, url
    audit = staff.get("/staff/audit/?action=ballot").get_data(as_text=True)
    assert str(a) + "," not in audit and "approvals" not in audit


def _threads(n, target):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_fifty_simultaneous_ballots_of_one_member_count_once(app, voting):
    client = _client(app, voting.member_usernames[1])
    token = csrf_token(client, f"/committee/cycles/{voting.cycle_id}")
    cookie = client.get_cookie("session").value
    statuses = []

    def submit(i):
        worker = app.test_client()
        worker.set_cookie("session", cookie)
        response = worker.post(
            f"/committee/cycles/{voting.cycle_id}",
            data={"csrf_token": token, "approve": [str(voting.candidate_ids[i % 2])]},
        )
        statuses.append(response.status_code)

    _threads(50, submit)
    assert statuses.count(302) == 50, statuses
    with app.app_context():
        ballots = db.session.scalars(sa.select(Ballot)).all()
        assert len(ballots) == 1 and ballots[0].version == 50
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BallotVersion)) == 50


def test_thirty_members_at_once_all_counted(app):
    with app.app_context():
        setup = build(members=30, candidates=2, quota=1)
    clients = [(_client(app, u)) for u in setup.member_usernames]
    tokens = [csrf_token(c, f"/committee/cycles/{setup.cycle_id}") for c in clients]
    statuses = []

    def submit(i):
        response = clients[i].post(
            f"/committee/cycles/{setup.cycle_id}",
            data={"csrf_token": tokens[i], "approve": [str(setup.candidate_ids[0])]},
        )
        statuses.append(response.status_code)

    _threads(30, submit)
    assert statuses.count(302) == 30, statuses
    with app.app_context():
        main = queries.compute(db.session.get(Cycle, setup.cycle_id))
        assert main.ballots_cast == 30
        assert (
            next(r.approvals for r in main.rows if r.candidate_id == setup.candidate_ids[0]) == 30
        )


def test_collective_award_has_its_own_ballot_limit(app):
    from app.registry.models import HonoreeKind

    with app.app_context():
        setup = build(members=3, candidates=2, quota=2, group_quota=1)
        cycle = db.session.get(Cycle, setup.cycle_id)
        # Two collectives join the shortlist before voting is frozen? Add them as shortlisted
        # candidates of the same cycle through the normal path: qualified then shortlisted.
        from app.nominations import services as nomination_services
        from app.nominations.workflow import Actor

        groups = []
        for i in range(2):
            nomination = factories.make_nomination(
                factories.make_open_cycle(cycle.program, period=f"g{i}"),
                kind=HonoreeKind.GROUP,
                name=f"集体{i}",
                id_number=None,
                members=[("队员", None)],
            )
            nomination.cycle_id = cycle.id
            for target in (
                NominationState.SUBMITTED,
                NominationState.QUALIFIED,
                NominationState.SHORTLISTED,
            ):
                nomination_services.transition_nomination(
                    nomination,
                    target,
                    actor=None,
                    actor_kind=Actor.NOMINATOR
                    if target is NominationState.SUBMITTED
                    else Actor.STAFF,
                )
            groups.append(nomination.id)
        db.session.commit()
        member = committee_member(cycle)
        with pytest.raises(workflow.CommitteeError, match="集体"):
            committee_ballots.submit_ballot(
                cycle, member, committee_ballots.BallotInput(approvals=groups), secret="s"
            )
        ballot = committee_ballots.submit_ballot(
            cycle,
            member,
            committee_ballots.BallotInput(approvals=[*setup.candidate_ids, groups[0]]),
            secret="s",
        )
        assert sorted(ballot.content["approvals"]) == sorted([*setup.candidate_ids, groups[0]])


def committee_member(cycle):
    return queries.roster(cycle)[1]
