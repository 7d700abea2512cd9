"""The results page the chair and the staff share: the turnout before the close, the
results computed then after it."""

from __future__ import annotations

from flask import render_template

from app.committee import queries
from app.core.forms import EmptyForm
from app.db_types import utcnow
from app.programs.models import Cycle


def render_results(cycle: Cycle, *, chair: bool) -> str:
    """Before the close: the turnout count only. After it: the results computed then."""
    state = queries.outcome(cycle)
    count = queries.turnout(cycle, queries.open_round(cycle))
    return render_template(
        "committee/results.html",
        cycle=cycle,
        outcome=state,
        nominations={n.id: n for n in queries.candidates(cycle)} if state else {},
        turnout=count,
        recusal_count=len(queries.recusals(cycle)),
        roster_size=count.roster_size,
        accepting=queries.ballots_open(cycle, utcnow()),
        form=EmptyForm(),
        chair=chair,
    )
