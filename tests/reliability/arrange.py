"""Arrange a reliability deployment's data; run with the deployment's environment.

`python -m tests.reliability.arrange` builds, through the real services and the test
factories, a cycle in public review, a cycle in voting and a cycle whose notice is over
(ready to publish), and prints their ids as JSON for the tests to aim at.
`python -m tests.reliability.arrange tally CYCLE_ID` prints that cycle's committee tally,
recomputed from its stored ballots, as JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.accounts.models import Role
from app.committee import ballots, queries, results
from app.db_types import utcnow
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs import services as cycle_services
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from tests import factories
from tests.committee.conftest import build

REVIEW_CANDIDATES = 6


def review_cycle() -> dict:
    program = factories.make_program(public_review=True)
    cycle = factories.make_open_cycle(program)
    ids = [
        factories.make_nomination(
            cycle,
            name=f"点赞候选{i}",
            id_number=None,
            birth_date=factories.date(1970 + i, 1, 1),
            state=NominationState.QUALIFIED,
        ).id
        for i in range(REVIEW_CANDIDATES)
    ]
    cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
    cycle_services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
    cycle_services.transition_cycle(cycle, CyclePhase.PUBLIC_REVIEW, actor=None)
    db.session.commit()
    return {"cycle": cycle.id, "candidates": ids}


def voting_cycle() -> dict:
    setup = build(members=7, candidates=4, quota=2)
    return {
        "cycle": setup.cycle_id,
        "members": setup.member_usernames,
        "member_ids": setup.member_ids,
        "candidates": setup.candidate_ids,
        "staff": setup.staff_username,
    }


def notice_cycle() -> dict:
    """Three judges approve the first two candidates; the notice period is already over."""
    setup = build(members=3, candidates=3, quota=2)
    cycle = db.session.get(Cycle, setup.cycle_id)
    first, second = setup.candidate_ids[:2]
    for member in queries.roster(cycle):
        ballots.submit_ballot(
            cycle, member, ballots.BallotInput(approvals=[first, second]), secret="arranged"
        )
    results.apply_results(cycle, actor=None)
    cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
    past = utcnow() - timedelta(minutes=1)
    cycle.notice_starts_at = past - timedelta(days=7)  # the whole notice lies behind
    cycle.notice_ends_at = past
    for nomination in db.session.scalars(
        sa.select(Nomination).where(Nomination.cycle_id == cycle.id)
    ):
        if nomination.notice_ends_at:
            nomination.notice_ends_at = past
    db.session.commit()
    return {
        "cycle": cycle.id,
        "program": cycle.program.code,
        "period": cycle.period,
        "published_names": setup.candidate_names[:2],
    }


def tally(cycle_id: int) -> dict:

    cycle = db.session.get(Cycle, cycle_id)
    main = queries.compute(cycle)
    return {
        "ballots_cast": main.ballots_cast,
        "quorum_met": main.quorum_met,
        "rows": [
            [r.candidate_id, r.approvals, str(r.combined), r.outcome.value] for r in main.rows
        ],
        "winners": main.winners,
    }


def main() -> None:
    app = create_app()
    with app.app_context():
        if sys.argv[1:2] == ["tally"]:
            print(json.dumps(tally(int(sys.argv[2]))))
            return
        arranged = {
            "review": review_cycle(),
            "voting": voting_cycle(),
            "notice": notice_cycle(),
            "staff": factories.make_user(Role.STAFF).username,
            "password": factories.DEFAULT_PASSWORD,
        }
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(arranged))


if __name__ == "__main__":
    main()
