"""`flask honors demo`: load the demo data set (idempotent)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.maintenance import analyze
from app.extensions import db

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")


@commands.command("demo")
@click.option("--now", type=click.DateTime(formats=["%Y-%m-%dT%H:%M"]), default=None, hidden=True)
def demo_command(now) -> None:
    """Load the demo data set, its live cycles around now; running it again changes nothing."""
    from app.demo.services import load_demo

    created = load_demo(
        now=now.replace(tzinfo=UTC) if now else None,
        upload_root=Path(current_app.instance_path) / "uploads",
        receipt_secret=current_app.config["SECRET_KEY"],
    )
    db.session.commit()
    total = sum(created.values())
    if total:
        click.echo("demo data loaded: " + ", ".join(f"{k} {v}" for k, v in created.items() if v))
    else:
        click.echo("demo data already present; nothing changed")


@commands.command("synth")
@click.option("--honorees", type=click.IntRange(1, 10_000_000), default=100_000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
def synth_command(honorees: int, seed: int) -> None:
    """Build a synthetic registry for benchmarks: the demo data plus N honorees."""
    from app.demo.services import load_demo
    from app.demo.synth import synthesize

    upload_root = Path(current_app.instance_path) / "uploads"
    load_demo(upload_root=upload_root, receipt_secret=current_app.config["SECRET_KEY"])
    db.session.commit()
    with click.progressbar(length=honorees, label="synthetic honorees") as bar:
        created = synthesize(honorees, upload_root=upload_root, seed=seed, progress=bar.update)
    db.session.commit()
    analyze()
    click.echo("synthetic data: " + ", ".join(f"{k} {v}" for k, v in created.items()))
