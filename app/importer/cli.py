"""`flask honors import FILE.xlsx|FILE.csv [--dry-run]` with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.core.maintenance import analyze
from app.extensions import db
from app.importer import services

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")


@commands.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and count; write nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import historical honors; nothing is written when any row fails."""
    try:
        rows = services.read_rows(path.read_bytes(), path.name)
    except services.ImportFileError as error:
        raise click.ClickException(f"cannot read {path.name}: {error}") from error
    with click.progressbar(length=len(rows), label="validating") as bar:
        result = services.import_rows(rows, dry_run=dry_run, actor=None, progress=bar.update)
    if not result.ok:
        db.session.rollback()
        for error in result.errors[:200]:
            click.echo(f"row {error.row}, {error.column}: {error.reason}", err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was imported")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        analyze()  # a large import changes the tables' statistics the planner relies on
    verb = "would create" if dry_run else "created"
    click.echo(
        f"{result.rows} rows: {verb} {result.honorees_created} honorees, "
        f"{result.honors_created} honors; {result.unchanged} already present"
    )
