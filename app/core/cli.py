"""`flask honors backup PATH` and `flask honors restore PATH --yes`."""

from __future__ import annotations

import subprocess  # noqa: S404  # nosec B404 # only for CalledProcessError
from pathlib import Path

import click
from flask.cli import AppGroup

from app.core import backup as backups
from app.extensions import db

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")


@commands.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database (safe while the site is running)."""
    try:
        backups.backup(db.engine.url, path)
    except (backups.BackupError, subprocess.CalledProcessError) as error:
        raise click.ClickException(f"backup failed: {error}") from error
    click.echo(f"backup written to {path} ({path.stat().st_size} bytes)")


@commands.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the current data is replaced.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with a backup (stop the application first)."""
    if not yes:
        raise click.ClickException("restore replaces all data: repeat with --yes")
    db.session.remove()
    db.engine.dispose()
    try:
        backups.restore(db.engine.url, path)
    except (backups.BackupError, subprocess.CalledProcessError) as error:
        raise click.ClickException(f"restore failed: {error}") from error
    click.echo(f"restored from {path}")
