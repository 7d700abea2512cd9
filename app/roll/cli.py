"""`flask honors export PATH [--format csv|json]`: the public roll as open data."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.roll.exports import roll_csv, roll_json, roll_records

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")


@commands.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default=None,
    help="Default: from the file name's extension (csv unless it ends in .json).",
)
def export_command(path: Path, fmt: str | None) -> None:
    """Write every public honor (public fields only, as on /roll.csv) to PATH."""
    fmt = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
    count = 0

    def counted():
        nonlocal count
        for record in roll_records():
            count += 1
            yield record

    text = roll_json(counted()) if fmt == "json" else roll_csv(counted())
    path.write_text(text, encoding="utf-8")
    click.echo(f"{count} public honors written to {path} ({fmt})")
