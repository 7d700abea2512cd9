"""`flask honors schedule [--until DATE]`: create the due cycles, act on passed dates (cron)."""

from __future__ import annotations

from datetime import date

import click

from app.cli import honors_cli
from app.db_types import utcnow
from app.extensions import db
from app.programs.services import run_scheduled, schedule_cycles


@honors_cli.command("schedule")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Also create the cycles of later periods up to this date.",
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, hidden=True)
def schedule_command(until, today) -> None:
    """Create the due cycles of every cadenced program and do what dates that passed call
    for (e.g. close voting at its end); running it again does nothing more."""
    day = today.date() if today else date.today()
    created = schedule_cycles(today=day, until=until.date() if until else None)
    db.session.commit()
    for cycle in created:
        click.echo(f"created {cycle.program.code} {cycle.period}")
    click.echo(f"{len(created)} cycle(s) created")
    done = run_scheduled(now=utcnow())
    db.session.commit()
    for line in done:
        click.echo(line)
