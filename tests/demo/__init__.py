"""Tests of the demo data set; `live_by_role` finds its live cycles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.demo.services import live_cycles
from app.extensions import db
from app.programs.models import Cycle, Program


def live_by_role(now: datetime) -> dict[str, Cycle]:
    """The demo's live cycles loaded at `now`, by role (inside an app context)."""
    found = {}
    for live in live_cycles(now):
        found[live.role] = db.session.scalar(
            sa.select(Cycle)
            .join(Program)
            .where(Program.code == live.program, Cycle.period == live.period.label)
        )
    return found
