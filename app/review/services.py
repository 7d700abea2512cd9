"""Like and void — the public review's use cases (its reads: review/queries.py)."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.audit.services import record_event
from app.core.clock import LOCAL_TZ, local_today
from app.db_types import utcnow
from app.exceptions import WindowClosedError
from app.extensions import db
from app.nominations.models import Nomination
from app.privacy import crypto
from app.programs.models import Cycle
from app.programs.services import when_label
from app.programs.workflow import CyclePhase
from app.review.models import Like, LikeBudget
from app.review.queries import eligible, liked_today


class LikeError(Exception):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


class LikeLimitError(LikeError):
    """An address has used up one of its like budgets; it may like again in `retry_after` s."""

    def __init__(self, message: object, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class LikeRule:
    """The like rule beyond "one like per candidate per browser per day" (docs/likes.md).

    Budgets per network address, large enough for the many phones behind one carrier NAT
    address, small enough that a script clearing its cookies gains a bounded number of likes.
    """

    per_address_minute: int = 20
    per_address_hour: int = 400
    per_address_candidate_day: int = 250


def check_review_window(cycle: Cycle, now: datetime) -> None:
    """Likes count only between the review's dates (the phase may outlive its end until
    the calendar or staff move on): a WindowClosedError naming the date otherwise."""
    if cycle.review_starts_at is not None and now < cycle.review_starts_at:
        raise WindowClosedError(
            _l(
                "The public review opens at %(when)s.",
                when=when_label(cycle.review_starts_at),
            ),
            opens_at=cycle.review_starts_at,
        )
    if cycle.review_ends_at is not None and now >= cycle.review_ends_at:
        raise WindowClosedError(
            _l(
                "The public review ended at %(when)s; likes are no longer counted.",
                when=when_label(cycle.review_ends_at),
            ),
            closed_at=cycle.review_ends_at,
        )


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network an address belongs to."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def add_like(
    nomination: Nomination,
    *,
    visitor_id: str,
    ip: str,
    rule: LikeRule = LikeRule(),  # noqa: B008 - frozen, never mutated
    now: datetime | None = None,
) -> Like:
    """One like per candidate per visitor per (Beijing) day, within the address budgets.

    Refused with LikeError (already liked, not open) or LikeLimitError (an address budget
    is used up); the caller rolls back on either, so a refused like spends no budget.
    """
    now = now or utcnow()
    cycle = nomination.cycle
    if cycle.state is not CyclePhase.PUBLIC_REVIEW:
        raise LikeError(_l("Public review is not open for this cycle."))
    check_review_window(cycle, now)
    if not eligible(nomination, cycle):
        raise LikeError(_l("This candidate is not in the public review."))
    like = Like(
        cycle_id=cycle.id,
        nomination_id=nomination.id,
        visitor_id=visitor_id,
        ip_hash=crypto.keyed_hash(ip),
        net_hash=crypto.keyed_hash(network_of(ip)),
        day=local_today(now),
        minute=now.replace(second=0, microsecond=0),
        created_at=now,
    )
    already = _l("You have already liked this candidate today. Come back tomorrow!")
    if nomination.id in liked_today(cycle.id, visitor_id, now):
        raise LikeError(already)  # said before any budget is looked at
    # Budgets first: their writes open the transaction, so that on SQLite the savepoint
    # below is nested in it (a savepoint outside one commits when released).
    _spend_address_budgets(like, rule, now)
    try:
        with db.session.begin_nested():
            db.session.add(like)
    except IntegrityError as error:  # the same browser's like racing on another worker
        raise LikeError(already) from error
    return like


def _window_starts(now: datetime) -> tuple[datetime, datetime, datetime]:
    """Start of the clock minute, the clock hour and the Beijing day that contain `now`."""
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    hour = minute.replace(minute=0)
    local_midnight = now.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return minute, hour, local_midnight.astimezone(UTC)


def _spend(ip_hash: str, scope: str, window_start: datetime, cap: int) -> bool:
    """Raise one budget by one unless it is at `cap`: atomic on SQLite and PostgreSQL."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LikeBudget)
        .values(ip_hash=ip_hash, scope=scope, window_start=window_start, used=0)
        .on_conflict_do_nothing(index_elements=["ip_hash", "scope", "window_start"])
    )
    result = db.session.execute(
        sa.update(LikeBudget)
        .where(
            LikeBudget.ip_hash == ip_hash,
            LikeBudget.scope == scope,
            LikeBudget.window_start == window_start,
            LikeBudget.used < cap,
        )
        .values(used=LikeBudget.used + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _spend_address_budgets(like: Like, rule: LikeRule, now: datetime) -> None:
    minute, hour, day = _window_starts(now)
    # Budgets older than two days decide nothing any more.
    db.session.execute(
        sa.delete(LikeBudget)
        .where(LikeBudget.window_start < day - timedelta(days=2))
        .execution_options(synchronize_session=False)
    )
    budgets = [
        (
            "minute",
            minute,
            rule.per_address_minute,
            timedelta(minutes=1),
            _l("Too many likes from your network this minute. Please try again in a minute."),
        ),
        (
            "hour",
            hour,
            rule.per_address_hour,
            timedelta(hours=1),
            _l("Too many likes from your network this hour. Please try again later."),
        ),
        (
            f"candidate:{like.nomination_id}",
            day,
            rule.per_address_candidate_day,
            timedelta(days=1),
            _l(
                "Your network has given this candidate the most likes one address may give "
                "in a day. Come back tomorrow!"
            ),
        ),
    ]
    for scope, start, cap, length, message in budgets:
        if not _spend(like.ip_hash, scope, start, cap):
            retry_after = math.ceil((start + length - now).total_seconds())
            raise LikeLimitError(message, retry_after=max(retry_after, 1))


def void_likes(
    cycle: Cycle,
    *,
    reason: str,
    actor,
    net_hash: str | None = None,
    minute: datetime | None = None,
    ip_hash: str | None = None,
) -> int:
    """Void the likes of a flagged network-minute or address, before the phase closes."""
    if cycle.state is not CyclePhase.PUBLIC_REVIEW:
        raise LikeError(_l("Likes can only be voided while the public review is open."))
    if not reason.strip():
        raise LikeError(_l("Give a reason."))
    conditions = [Like.cycle_id == cycle.id, Like.voided_at.is_(None)]
    if net_hash and minute:
        conditions += [Like.net_hash == net_hash, Like.minute == minute]
    elif ip_hash:
        conditions.append(Like.ip_hash == ip_hash)
    else:
        raise LikeError(_l("Choose what to void."))
    result = db.session.execute(
        sa.update(Like)
        .where(*conditions)
        .values(
            voided_at=utcnow(), void_reason=reason.strip(), voided_by_id=getattr(actor, "id", None)
        )
        .execution_options(synchronize_session=False)
    )
    record_event(
        "likes.voided",
        actor=actor,
        obj=cycle,
        reason=reason.strip(),
        after={
            "count": result.rowcount,
            "net": net_hash,
            "ip": ip_hash,
            "minute": minute.isoformat() if minute else None,
        },
    )
    return result.rowcount
