"""The staff dashboard: counts of the work waiting, each linking to its filtered list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.audit.services import record_event
from app.committee import ballots
from app.committee import queries as committee_queries
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Channel, PublicRecommendation
from app.nominations.workflow import NominationState
from app.notice.models import Objection
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from app.registry.models import HonoreeKind
from app.staff import queries
from tests import factories
from tests.committee.conftest import build

FIGURE = re.compile(r'<a href="([^"]+)" id="work-{key}">\s*<span class="figure-value">(\d+)</span>')


def figure(html: str, key: str) -> tuple[str, int]:
    match = re.search(FIGURE.pattern.replace("{key}", key), html)
    assert match, key
    return match.group(1).replace("&amp;", "&"), int(match.group(2))


@pytest.fixture
def seeded(app):
    """Two nominations to vet and one returned; a vote open with 1 of 3 ballots; a notice
    over (publish), a notice over with an open objection, a vote closed without results;
    one public recommendation pending."""
    with app.app_context():
        voting = build(members=3, candidates=2, quota=1)
        vote = db.session.get(Cycle, voting.cycle_id)
        member = committee_queries.roster(vote)[0]
        ballots.submit_ballot(
            vote, member, ballots.BallotInput(approvals=voting.candidate_ids[:1]), secret="s"
        )
        open_cycle = factories.make_open_cycle(period="2026-12")
        for i, state in enumerate(
            [NominationState.SUBMITTED, NominationState.SUBMITTED, NominationState.RETURNED]
        ):
            factories.make_nomination(
                open_cycle,
                name=f"待审{i}",
                id_number=None,
                state=state,
                birth_date=factories.date(1970 + i, 1, 1),
            )
        now = utcnow()
        over = dict(
            notice_starts_at=now - timedelta(days=8), notice_ends_at=now - timedelta(hours=1)
        )
        publish = factories.make_cycle(period="2026-08", state=CyclePhase.NOTICE, **over)
        objected = factories.make_open_cycle(period="2026-09")
        nomination = factories.make_nomination(objected, id_number=None)
        objected.state = CyclePhase.NOTICE
        objected.notice_starts_at, objected.notice_ends_at = over.values()
        db.session.add(
            Objection(
                reference="OBJ-1",
                cycle_id=objected.id,
                nomination_id=nomination.id,
                content="事迹不实",
            )
        )
        closed = factories.make_cycle(
            period="2026-10", state=CyclePhase.VOTING, voting_closed_at=now - timedelta(hours=2)
        )
        db.session.add(
            PublicRecommendation(
                reference="REC-1",
                channel=Channel.PUBLIC,
                kind=HonoreeKind.INDIVIDUAL,
                candidate_name="群众推荐人",
                headline="好人",
                story="事迹",
                recommender_name="市民",
            )
        )
        db.session.commit()
        return {
            "vote": vote.id,
            "publish": publish.id,
            "objected": objected.id,
            "closed": closed.id,
            "judges": voting.member_usernames,
        }


def test_dashboard_counts_nominations_to_vet_with_a_link_to_the_filtered_queue(seeded, login_as):
    staff = login_as(Role.STAFF)
    href, n = figure(staff.get("/staff/").get_data(as_text=True), "to-vet")
    assert (href, n) == ("/staff/nominations/?state=submitted", 2)
    listed = staff.get(href).get_data(as_text=True)
    assert "待审0" in listed and "待审1" in listed and "待审2" not in listed


def test_dashboard_counts_returned_nominations_with_a_link(seeded, login_as):
    staff = login_as(Role.STAFF)
    href, n = figure(staff.get("/staff/").get_data(as_text=True), "returned")
    assert (href, n) == ("/staff/nominations/?state=returned", 1)
    listed = staff.get(href).get_data(as_text=True)
    assert "待审2" in listed and "待审0" not in listed


def test_dashboard_counts_open_objections_with_a_link(seeded, login_as):
    staff = login_as(Role.STAFF)
    href, n = figure(staff.get("/staff/").get_data(as_text=True), "objections")
    assert (href, n) == ("/staff/objections/?status=open", 1)
    assert "OBJ-1" in staff.get(href).get_data(as_text=True)


def test_dashboard_counts_recommendations_to_moderate_with_a_link(seeded, login_as):
    staff = login_as(Role.STAFF)
    href, n = figure(staff.get("/staff/").get_data(as_text=True), "recommendations")
    assert (href, n) == ("/staff/recommendations/?status=pending", 1)
    assert "REC-1" in staff.get(href).get_data(as_text=True)


def test_dashboard_lists_the_cycles_waiting_for_staff_with_their_step(seeded, login_as):
    staff = login_as(Role.STAFF)
    html = staff.get("/staff/?lang=en").get_data(as_text=True)
    assert figure(html, "waiting") == ("#waiting-title", 3)
    section = html.split('id="waiting-title"')[1].split("</section>")[0]
    assert f'/staff/cycles/{seeded["publish"]}"' in section
    assert f'/staff/cycles/{seeded["objected"]}"' in section
    assert f'/staff/cycles/{seeded["closed"]}"' in section
    assert f'/staff/cycles/{seeded["vote"]}"' not in section
    assert "Notice over: publish the list" in section
    assert "Notice over: resolve the open objections" in section
    assert "Apply the committee" in section


def test_dashboard_shows_ballots_missing_as_a_count_only(seeded, login_as):
    staff = login_as(Role.STAFF)
    html = staff.get("/staff/?lang=en").get_data(as_text=True)
    assert figure(html, "ballots") == ("#votes-title", 2)
    section = html.split('id="votes-title"')[1].split("</section>")[0]
    assert "1 of 3 have voted" in section
    assert f'/staff/cycles/{seeded["vote"]}/committee"' in section
    for judge in seeded["judges"]:
        assert judge not in html


def test_workload_counts_ballots_and_roster_of_the_open_round(app, seeded):
    with app.app_context():
        work = queries.workload(now=utcnow())
        assert [(v.cycle.id, v.round, v.voted, v.roster) for v in work.votes] == [
            (seeded["vote"], 0, 1, 3)
        ]
        assert work.ballots_missing == 2


def test_recent_activity_shows_labels_and_leaves_out_system_seeding(app, login_as):
    with app.app_context():
        record_event("program.created", actor=None, object_type="programs", object_id=1)
        user = factories.make_user(Role.STAFF, username="worker")
        record_event("honor.revoked", actor=user, object_type="honors", object_id=1)
        db.session.commit()
    staff = login_as(Role.STAFF)
    html = staff.get("/staff/?lang=en").get_data(as_text=True)
    activity = html.split('id="audit-title"')[1].split("</section>")[0]
    assert "Honor revoked" in activity and "worker" in activity
    assert "honor.revoked" not in activity
    assert "Program created" not in activity and "program.created" not in activity


def test_dashboard_shows_period_labels_not_codes(seeded, login_as):
    staff = login_as(Role.STAFF)
    html = staff.get("/staff/?lang=en").get_data(as_text=True)
    assert "August 2026" in html
    assert ">2026-08<" not in html and " 2026-08<" not in html


def test_dashboard_workload_runs_a_fixed_number_of_queries(app, seeded):
    from tests.test_query_counts import count_queries

    with app.app_context():
        with count_queries(app) as counter:
            queries.workload(now=utcnow())
        small = counter["n"]
        factories.make_cycle(period="2025-08", state=CyclePhase.NOTICE)
        build(members=2, candidates=1, quota=1)
        with count_queries(app) as counter:
            queries.workload(now=utcnow())
        assert counter["n"] == small
        assert small <= 8
