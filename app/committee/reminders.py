"""Reminds the committee members who have not voted, once, a day before voting closes
(`honors schedule`), through the same service as the chair's manual reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.committee.ballots import remind_non_voters
from app.committee.workflow import CommitteeError
from app.extensions import db
from app.notifications.services import remember_once
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase

BALLOT = "ballot"
BEFORE_CLOSE = timedelta(days=1)


def remind_ballots(now: datetime, actor) -> list[str]:
    """Cycles whose vote closes within a day: members still without a ballot are told."""
    cycles = db.session.scalars(
        sa.select(Cycle)
        .where(
            Cycle.state == CyclePhase.VOTING,
            Cycle.voting_closed_at.is_(None),
            Cycle.voting_ends_at.is_not(None),
            Cycle.voting_ends_at > now,
            Cycle.voting_ends_at <= now + BEFORE_CLOSE,
        )
        .order_by(Cycle.id)
    ).all()
    lines = []
    for cycle in cycles:
        if not remember_once(cycle.id, BALLOT, 0, now=now):
            continue
        try:
            count = remind_non_voters(cycle, actor=actor)
        except CommitteeError as refusal:
            lines.append(f"ballots not reminded {cycle.program.code} {cycle.period}: {refusal}")
            continue
        lines.append(f"ballots reminded {cycle.program.code} {cycle.period}: {count} member(s)")
    return lines
