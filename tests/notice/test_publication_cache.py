"""Publishing a cycle invalidates public pages cached before it (the data version moves)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.committee import ballots, queries, results
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.programs import services as cycle_services
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests.committee.conftest import build
from tests.conftest import csrf_token, login


def _notice_over(app) -> tuple[int, str, str]:
    """Three judges approve the first two candidates; the notice period is already over."""
    with app.app_context():
        setup = build(members=3, candidates=3, quota=2)
        cycle = db.session.get(Cycle, setup.cycle_id)
        chosen = setup.candidate_ids[:2]
        for member in queries.roster(cycle):
            ballots.submit_ballot(cycle, member, ballots.BallotInput(approvals=chosen), secret="s")
        results.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        past = utcnow() - timedelta(minutes=1)
        cycle.notice_starts_at = past - timedelta(days=7)  # the whole notice lies behind
        cycle.notice_ends_at = past
        for nomination in db.session.scalars(
            sa.select(Nomination).where(Nomination.cycle_id == cycle.id)
        ):
            nomination.notice_ends_at = past if nomination.notice_ends_at else None
        db.session.commit()
        return cycle.id, setup.staff_username, setup.candidate_names[0]


def test_publication_shows_on_pages_cached_before_it(app, client):
    cycle_id, staff_username, name = _notice_over(app)
    for url in ["/roll", "/"]:
        assert name not in client.get(url).get_data(as_text=True)  # now cached
    staff = app.test_client()
    assert login(staff, staff_username).status_code == 302
    page = f"/staff/cycles/{cycle_id}/publish"
    response = staff.post(page, data={"csrf_token": csrf_token(staff, page), "release_at": ""})
    assert response.status_code == 302
    for url in ["/roll", "/"]:
        assert name in client.get(url).get_data(as_text=True), url
