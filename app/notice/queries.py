"""Reads of the notice: the cycles in notice and their candidates, a candidate's notice end,
the notice's extensions, the next-ranked candidate an upheld objection promotes, the staff's
objection queue."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.committee import queries as committee_queries
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.queries import public_candidates
from app.nominations.workflow import NominationState
from app.notice.models import Objection, ObjectionStatus
from app.programs.models import Cycle, CycleDateChange
from app.programs.queries import cycles_in_phase
from app.programs.services import date_changes
from app.programs.workflow import CyclePhase


def notice_cycles() -> list[Cycle]:
    return cycles_in_phase(CyclePhase.NOTICE)


def notice_extensions(cycle: Cycle) -> list[CycleDateChange]:
    """The extensions of the cycle's notice, with their reasons, shown on /notice."""
    return date_changes(cycle, "notice_ends_at")


def in_notice(cycle: Cycle) -> list[Nomination]:
    return public_candidates(cycle, NominationState.IN_NOTICE)


def notice_end(nomination: Nomination) -> datetime | None:
    """A candidate's notice runs with the cycle's (which staff may move in the phase dates);
    only a promoted replacement has a period of its own (`Nomination.notice_ends_at`)."""
    return nomination.notice_ends_at or nomination.cycle.notice_ends_at


def next_ranked(cycle: Cycle) -> Nomination | None:
    """The best not-selected candidate above threshold, in the committee's ranking as
    computed when the vote closed (nothing after the close, a late recusal or a withdrawn
    candidate, changes it)."""
    main = committee_queries.final_result(cycle)
    for row in main.rows if main is not None else []:
        if not row.above_threshold:
            continue
        nomination = db.session.get(Nomination, row.candidate_id)
        if nomination is not None and nomination.state is NominationState.NOT_SELECTED:
            return nomination
    return None


def objection_queue(status: ObjectionStatus | None) -> list[Objection]:
    """The newest 300 objections, of one status or all (the staff's queue)."""
    stmt = sa.select(Objection).order_by(Objection.created_at.desc()).limit(300)
    if status is not None:
        stmt = stmt.where(Objection.status == status)
    return list(db.session.scalars(stmt))
