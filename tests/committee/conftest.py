"""A cycle in voting with a committee of seven and four shortlisted candidates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.committee import queries
from app.committee import roster as committee_roster
from app.db_types import utcnow
from app.extensions import db
from app.nominations.workflow import NominationState
from app.programs import services as cycle_services
from app.programs.workflow import CyclePhase
from tests import factories


@dataclass
class VotingSetup:
    cycle_id: int
    member_usernames: list[str]
    member_ids: list[int]
    candidate_ids: list[int]
    candidate_names: list[str]
    staff_username: str


def build(
    members: int = 7,
    candidates: int = 4,
    quota: int = 2,
    same_org_member: bool = False,
    **program_fields,
) -> VotingSetup:
    program = factories.make_program(quota=quota, **program_fields)
    cycle = factories.make_open_cycle(program)
    orgs = [factories.make_org(name=f"社区{i}") for i in range(candidates)]
    nominations = []
    for i in range(candidates):
        nominations.append(
            factories.make_nomination(
                cycle,
                organisation=orgs[i],
                name=f"候选人{i}",
                id_number=None,
                birth_date=factories.date(1970 + i, 1, 1),
                state=NominationState.QUALIFIED,
            )
        )
    cycle.nominations_close_at = utcnow() - timedelta(minutes=1)
    cycle_services.transition_cycle(cycle, CyclePhase.VETTING, actor=None)
    users = []
    for i in range(members):
        user = factories.make_user(
            Role.COMMITTEE,
            username=f"judge{i}-{cycle.id}",
            organisation=orgs[0] if same_org_member and i == 0 else None,
        )
        committee_roster.add_member(cycle, user, chair=i == 0, actor=None)
        users.append(user)
    cycle_services.transition_cycle(cycle, CyclePhase.VOTING, actor=None)
    db.session.commit()
    staff = factories.make_user(Role.STAFF)
    roster = queries.roster(cycle)
    by_user = {m.user_id: m.id for m in roster}
    return VotingSetup(
        cycle_id=cycle.id,
        member_usernames=[u.username for u in users],
        member_ids=[by_user[u.id] for u in users],
        candidate_ids=[n.id for n in nominations],
        candidate_names=[n.name for n in nominations],
        staff_username=staff.username,
    )


@pytest.fixture
def voting(app):
    with app.app_context():
        return build()
