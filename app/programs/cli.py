"""`flask honors init`: seed the real program catalogue and the first administrator;
`flask honors schedule [--until DATE]`: create the due cycles and move the cycles whose
dates have come (cron-friendly, idempotent)."""

from __future__ import annotations

from datetime import UTC

import click
from flask.cli import AppGroup

from app.accounts import queries as account_queries
from app.accounts import services as accounts
from app.accounts.models import Role
from app.audit.services import SCHEDULE
from app.core.clock import local_today
from app.db_types import utcnow
from app.extensions import db
from app.programs.catalogue import seed_catalogue
from app.programs.services import advance_cycles, run_scheduled, schedule_cycles

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")


@commands.command("schedule")
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
    day = today.date() if today else local_today()
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


@commands.command("init")
@click.option("--admin-username", default=None, help="The first administrator's username.")
@click.option("--admin-name", default=None, help="The first administrator's display name.")
@click.option(
    "--admin-password",
    default=None,
    help="The first administrator's password (prompted, hidden and twice, when omitted).",
)
@click.option("--no-admin", is_flag=True, help="Seed the catalogue only; create no account.")
def init_command(
    admin_username: str | None, admin_name: str | None, admin_password: str | None, no_admin: bool
) -> None:
    """Start a real installation: seed the city's program catalogue (programs, categories,
    the external lists; no people, accounts or stories), then create the first
    administrator unless one exists. Running it again changes nothing."""
    created = seed_catalogue()
    db.session.commit()
    if any(created.values()):
        click.echo("catalogue seeded: " + ", ".join(f"{k} {v}" for k, v in created.items()))
    else:
        click.echo("catalogue already present; nothing changed")
    if no_admin:
        return
    if account_queries.active_admin_exists():
        click.echo("an administrator exists; no account created")
        return
    click.echo("Create the first administrator (administrator and secretariat staff roles).")
    username = admin_username or click.prompt("Username")
    display_name = (
        admin_name
        if admin_name is not None
        else click.prompt("Display name", default="", show_default=False)
    )
    password = admin_password or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            username=username,
            display_name=display_name,
            password=password,
            roles=[Role.ADMIN, Role.STAFF],
        )
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(
            f"{error.field}: {error.message} (the catalogue is saved; run init again)"
        ) from error
    db.session.commit()
    click.echo(f"created administrator {user.username}")
