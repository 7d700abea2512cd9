"""`flask honors schedule [--until DATE]`: create the due cycles and move the cycles whose
dates have come (cron-friendly, idempotent)."""

from __future__ import annotations

from datetime import UTC, date

import click

from app.audit.services import SCHEDULE
from app.cli import honors_cli
from app.db_types import utcnow
from app.extensions import db
from app.programs.services import advance_cycles, run_scheduled, schedule_cycles


@honors_cli.command("schedule")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Also create the cycles of later periods up to this date.",
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, hidden=True)
@click.option("--now", type=click.DateTime(formats=["%Y-%m-%dT%H:%M"]), default=None, hidden=True)
def schedule_command(until, today, now) -> None:
    """Create the due cycles of every cadenced program, then move each cycle whose next
    phase's date has come (open and close nominations, open and end the public review,
    close voting with quorum, tell staff when a notice has ended) when nothing stands in
    the way; running it again changes nothing. Audited as done by the schedule."""
    day = today.date() if today else date.today()
    moment = now.replace(tzinfo=UTC) if now else utcnow()
    created = schedule_cycles(today=day, until=until.date() if until else None, actor=SCHEDULE)
    moves = advance_cycles(now=moment, actor=SCHEDULE)
    db.session.commit()
    for cycle in created:
        click.echo(f"created {cycle.program.code} {cycle.period}")
    click.echo(f"{len(created)} cycle(s) created")
    for move in moves:
        name = f"{move.cycle.program.code} {move.cycle.period}"
        if move.problems:
            reasons = " ".join(str(p) for p in move.problems)
            click.echo(f"waiting {name} {move.source} → {move.target}: {reasons}")
        else:
            click.echo(f"moved {name} {move.source} → {move.target}")
    click.echo(f"{sum(not m.problems for m in moves)} cycle(s) moved")
    done = run_scheduled(now=moment, actor=SCHEDULE)
    db.session.commit()
    for line in done:
        click.echo(line)
