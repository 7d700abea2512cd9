"""Notify users: an inbox row and an outbox mail written in the caller's transaction (a
rollback drops both); `flask honors deliver` claims and sends the mail later.

Exactly once: a run claims a recipient's due mails with one conditional UPDATE (rows
another run holds are skipped; a claim older than CLAIM_STALE is taken over, for a run
that died), commits the claim, sends, then commits `sent_at` before the next recipient.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.db_types import utcnow
from app.extensions import db
from app.notifications.mail import Channel, Mail, absolute_link
from app.notifications.models import Notification, OutgoingMail, ReminderSent

# Waits after the 1st, 2nd, … failed attempt; after the last one the mail waits for a person.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claim this old belongs to a run that died (one send takes at most the SMTP timeout).
CLAIM_STALE = timedelta(minutes=10)


@dataclass(frozen=True)
class Digest:
    """Folds a message into the reader's unread one of the same key: `subject(count)`
    then names them all, `link` leads to where they are listed."""

    key: str
    subject: Callable[[int], str]
    link: str | None = None


def notify(
    users: Iterable[User],
    *,
    subject: str,
    body: str = "",
    link: str | None = None,
    digest: Digest | None = None,
    now: datetime | None = None,
) -> int:
    """Add an inbox message per user (folded into an unread digest entry when `digest`
    is given) and queue a mail to each user with an address. Returns the user count."""
    now = now or utcnow()
    count = 0
    for user in users:
        entry = _unread_digest(user, digest) if digest else None
        if entry is None:
            db.session.add(
                Notification(
                    user_id=user.id,
                    subject=subject,
                    body=body,
                    link=link,
                    digest_key=digest.key if digest else None,
                    created_at=now,
                )
            )
        else:
            entry.count += 1
            entry.subject = digest.subject(entry.count)[:200]
            entry.body = body
            entry.link = digest.link or link
            entry.created_at = now  # to the top of the inbox
        if user.email:
            queue_mail(Mail(to=user.email, subject=subject, body=body, link=link), now=now)
        count += 1
    db.session.flush()
    return count


def _unread_digest(user: User, digest: Digest) -> Notification | None:
    return db.session.scalar(
        sa.select(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.digest_key == digest.key,
            Notification.read_at.is_(None),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )


def queue_mail(mail: Mail, *, now: datetime | None = None) -> OutgoingMail:
    """Store a mail in the outbox, in the caller's transaction; nothing is sent here."""
    outgoing = OutgoingMail(
        to_address=mail.to,
        subject=mail.subject,
        body=mail.body,
        link=mail.link,
        created_at=now or utcnow(),
        attempts=0,
        last_error="",
    )
    db.session.add(outgoing)
    return outgoing


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def remember_once(cycle_id: int, kind: str, target_id: int, *, now: datetime) -> bool:
    """Record that reminder `kind` of a cycle went to a target; False when it already had
    (so a reminder is sent once however often `honors schedule` runs, even two at once)."""
    exists = db.session.scalar(
        sa.select(ReminderSent.id).where(
            ReminderSent.cycle_id == cycle_id,
            ReminderSent.kind == kind,
            ReminderSent.target_id == target_id,
        )
    )
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderSent(cycle_id=cycle_id, kind=kind, target_id=target_id, created_at=now)
            )
    except IntegrityError:
        return False
    return True


# ----------------------------------------------------------------------------- delivery


def _due(now: datetime):
    return sa.and_(
        OutgoingMail.sent_at.is_(None),
        OutgoingMail.attempts < MAX_ATTEMPTS,
        sa.or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at <= now),
        sa.or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_STALE),
    )


def next_due_address(*, now: datetime) -> str | None:
    """The recipient of the oldest mail due now, or None when nothing is due."""
    return db.session.scalar(
        sa.select(OutgoingMail.to_address).where(_due(now)).order_by(OutgoingMail.id).limit(1)
    )


def claim_mails(address: str, *, worker: str, now: datetime) -> list[OutgoingMail]:
    """Claim the due mails of one recipient for `worker`; the caller commits the claim
    before sending. Rows another worker claimed first are not returned."""
    db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.to_address == address, _due(now))
        .values(claimed_at=now, claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    return list(
        db.session.scalars(
            sa.select(OutgoingMail)
            .where(
                OutgoingMail.to_address == address,
                OutgoingMail.claimed_by == worker,
                OutgoingMail.sent_at.is_(None),
            )
            .order_by(OutgoingMail.id)
            .execution_options(populate_existing=True)
        )
    )


def compose(mails: list[OutgoingMail], *, base_url: str) -> Mail:
    """One mail for a recipient's due mails: itself when alone, else a digest of all
    (each item's link absolute on `base_url`, like the mail's own)."""
    if len(mails) == 1:
        only = mails[0]
        return Mail(to=only.to_address, subject=only.subject, body=only.body, link=only.link)
    parts = []
    for item in mails:
        lines = [f"• {item.subject}"]
        if item.body:
            lines.append(item.body)
        if item.link:
            lines.append(absolute_link(item.link, base_url))
        parts.append("\n".join(lines))
    subject = str(_l("%(count)s new messages from the honor registry", count=len(mails)))
    return Mail(to=mails[0].to_address, subject=subject, body="\n\n".join(parts), link="/inbox")


def send_claimed(
    mails: list[OutgoingMail], channel: Channel, *, now: datetime, base_url: str
) -> str | None:
    """Send claimed mails as one message; record the outcome (sent, or the attempt and the
    next one's time) and release the claim on failure. Returns the error class or None."""
    try:
        channel.send(compose(mails, base_url=base_url))
    except Exception as error:  # noqa: BLE001 - any refusal: count it, try again later
        reason = error.__class__.__name__[:100]
        for item in mails:
            item.attempts += 1
            item.last_error = reason
            item.next_attempt_at = (
                now + BACKOFF[item.attempts - 1] if item.attempts < MAX_ATTEMPTS else None
            )
            item.claimed_at = item.claimed_by = None
        db.session.flush()
        return reason
    for item in mails:
        item.sent_at = now
        item.attempts += 1
    db.session.flush()
    return None


def retry_mail(outgoing: OutgoingMail) -> None:
    """Give a mail that ran out of attempts a fresh start (after fixing the address)."""
    outgoing.attempts = 0
    outgoing.next_attempt_at = outgoing.claimed_at = outgoing.claimed_by = None
    db.session.flush()
