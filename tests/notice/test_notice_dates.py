"""The candidates' notice follows the cycle's notice dates as staff set them in the
phase-dates form (found by the browser journey of issue 8: the candidates kept the end
copied when the notice opened, so a moved end changed nothing)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.committee import services as committee
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.notice import services as notice
from app.programs import services as cycle_services
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests.committee.conftest import build
from tests.conftest import csrf_token, login

DATE_INPUT = re.compile(r'<input[^>]*name="(\w+_at)"[^>]*value="([^"]*)"')


@pytest.fixture
def in_notice(app):
    """Three judges, quota 2: candidates 0 and 1 selected and in notice."""
    with app.app_context():
        setup = build(members=3, candidates=3, quota=2)
        cycle = db.session.get(Cycle, setup.cycle_id)
        a, b, _c = setup.candidate_ids
        for member in committee.roster(cycle):
            committee.submit_ballot(
                cycle, member, committee.BallotInput(approvals=[a, b]), secret="s"
            )
        committee.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        db.session.commit()
        return setup


def _save_dates(app, setup, **changes) -> None:
    """Submit the staff phase-dates form as shown, with `changes` typed over it."""
    client = app.test_client()
    assert login(client, setup.staff_username).status_code == 302
    url = f"/staff/cycles/{setup.cycle_id}"
    token = csrf_token(client, url)
    shown = dict(DATE_INPUT.findall(client.get(url).get_data(as_text=True)))
    response = client.post(url, data={"csrf_token": token, **shown, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_notice_end_moved_later_keeps_objections_open(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        old_end = cycle.notice_ends_at
        later = (old_end + timedelta(days=3)).astimezone(cycle_services.LOCAL_TZ)
    _save_dates(app, in_notice, notice_ends_at=later.strftime("%Y-%m-%dT%H:%M"))
    with app.app_context():
        nomination = db.session.get(Nomination, in_notice.candidate_ids[0])
        assert notice.notice_end(nomination) > old_end + timedelta(days=2)
        objection = notice.file_objection(
            nomination,
            content="公示延长期间收到的异议。",
            contact=None,
            evidence=None,
            root=Path(app.instance_path),
            now=old_end + timedelta(days=1),
        )
        assert objection.nomination_id == nomination.id


def test_notice_ended_early_by_staff_lets_publication_through(app, in_notice):
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        started = cycle.notice_starts_at.astimezone(cycle_services.LOCAL_TZ)
    value = started.strftime("%Y-%m-%dT%H:%M")
    _save_dates(app, in_notice, notice_starts_at=value, notice_ends_at=value)
    with app.app_context():
        cycle = db.session.get(Cycle, in_notice.cycle_id)
        assert cycle_services.refusals(cycle, CyclePhase.PUBLISHED, now=utcnow()) == []
