"""`flask honors deliver` (cron, every minute): send the mail outbox; `flask honors
outbox`: list the mails whose attempts ran out, and give one a fresh start."""

from __future__ import annotations

import logging
import os
import socket
import uuid

import click
from flask import current_app
from flask.cli import AppGroup

from app.db_types import utcnow
from app.extensions import db
from app.notifications import queries, services

# This domain's `flask honors ...` commands; the app factory adds them to the group.
commands = AppGroup("honors")

log = logging.getLogger("honors.mail")
# One run sends to at most this many recipients; cron starts the next one a minute later.
RECIPIENTS_PER_RUN = 500


@commands.command("deliver")
def deliver_command() -> None:
    """Send the due mail of the outbox, one message per recipient (a digest when several
    are due); each claim and each outcome is committed before the next recipient."""
    sent, failed = deliver(
        current_app.extensions["honors_mail"], base_url=current_app.config["PUBLIC_BASE_URL"]
    )
    waiting = len(queries.given_up_mails())
    click.echo(f"{sent} sent, {failed} failed, {waiting} waiting for a person")


def deliver(channel, *, base_url: str, worker: str | None = None) -> tuple[int, int]:
    """One delivery run (commits as it goes); returns (mails sent, mails failed)."""
    worker = worker or f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    sent = failed = 0
    for _ in range(RECIPIENTS_PER_RUN):
        now = utcnow()
        address = services.next_due_address(now=now)
        if address is None:
            break
        mails = services.claim_mails(address, worker=worker, now=now)
        db.session.commit()  # the claim holds before anything is sent
        if not mails:
            continue  # another run took them
        error = services.send_claimed(mails, channel, now=utcnow(), base_url=base_url)
        db.session.commit()  # a crash later must not send these again
        if error is None:
            sent += len(mails)
        else:
            # The class only: a message may quote the address or the subject (PII).
            log.error("mail not delivered: %s", error)
            failed += len(mails)
    return sent, failed


@commands.command("outbox")
@click.option("--retry", "retry_id", type=int, default=None, help="Try this mail again.")
def outbox_command(retry_id: int | None) -> None:
    """List the mails that ran out of attempts (`honors outbox --retry ID` to try again)."""
    stuck = queries.given_up_mails()
    if retry_id is not None:
        chosen = [m for m in stuck if m.id == retry_id]
        if not chosen:
            raise click.ClickException(f"no mail {retry_id} waiting for a person")
        services.retry_mail(chosen[0])
        db.session.commit()
        click.echo(f"mail {retry_id} will be tried again")
        return
    for mail in stuck:
        click.echo(f"{mail.id}\t{mail.to_address}\t{mail.attempts}\t{mail.last_error}")
    click.echo(f"{len(stuck)} mail(s) waiting for a person")
