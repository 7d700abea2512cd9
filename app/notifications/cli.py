"""`flask honors deliver`: send again the mail that failed after its request committed."""

from __future__ import annotations

import click
from flask import current_app

from app.cli import honors_cli
from app.db_types import utcnow
from app.extensions import db
from app.notifications import services


@honors_cli.command("deliver")
def deliver_command() -> None:
    """Send the mail outbox (for cron); each mail is committed as it goes out."""
    sender = current_app.extensions["honors_mail"]
    sent = failed = 0
    for outgoing in services.pending_mails():
        if services.deliver_mail(outgoing, sender, now=utcnow()):
            sent += 1
        else:
            failed += 1
        db.session.commit()  # a crash later must not send this one twice
    click.echo(f"{sent} sent, {failed} failed")
