"""Like and void — the public review's use cases (its reads: review/queries.py)."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.core.clock import LOCAL_TZ, local_today
from app.db_types import UTCDateTime, utcnow
from app.exceptions import WindowClosedError
from app.extensions import db
from app.nominations.models import Nomination
from app.privacy import crypto
from app.programs.models import Cycle
from app.programs.services import when_label
from app.programs.workflow import CyclePhase
from app.review.models import Like, LikeBudget
from app.review.queries import eligible


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
    values = {
        "cycle_id": cycle.id,
        "nomination_id": nomination.id,
        "visitor_id": visitor_id,
        "ip_hash": crypto.keyed_hash(ip),
        "net_hash": crypto.keyed_hash(network_of(ip)),
        "day": local_today(now),
        "minute": now.replace(second=0, microsecond=0),
        "created_at": now,
    }
    # One short transaction of two statements. The like first: the unique (candidate,
    # visitor, day) refuses a repeat, said before any budget is looked at.
    like_id = db.session.scalar(_INSERT_LIKE, values)
    if like_id is None:
        raise LikeError(_l("You have already liked this candidate today. Come back tomorrow!"))
    _spend_address_budgets(values["ip_hash"], nomination.id, rule, now)
    return Like(id=like_id, **values)


# The like's two writes as plain SQL that SQLite and PostgreSQL both read, compiled once
# (SQLAlchemy does not cache its ON CONFLICT constructs: they were compiled on every like).
_INSERT_LIKE = sa.text(
    "INSERT INTO likes (cycle_id, nomination_id, visitor_id, ip_hash, net_hash, day, minute, "
    "created_at) VALUES (:cycle_id, :nomination_id, :visitor_id, :ip_hash, :net_hash, :day, "
    ":minute, :created_at) ON CONFLICT (nomination_id, visitor_id, day) DO NOTHING RETURNING id"
).bindparams(
    sa.bindparam("day", type_=sa.Date()),
    sa.bindparam("minute", type_=UTCDateTime()),
    sa.bindparam("created_at", type_=UTCDateTime()),
)
_RAISE_BUDGETS = sa.text(
    "INSERT INTO like_budgets (ip_hash, scope, window_start, used) VALUES "
    "(:ip_hash, 'minute', :minute, 1), (:ip_hash, 'hour', :hour, 1), "
    "(:ip_hash, :candidate, :day, 1) "
    "ON CONFLICT (ip_hash, scope, window_start) DO UPDATE SET used = like_budgets.used + 1 "
    "WHERE like_budgets.used < CASE excluded.scope WHEN 'minute' THEN :minute_cap "
    "WHEN 'hour' THEN :hour_cap ELSE :candidate_cap END "
    "RETURNING scope"
).bindparams(
    sa.bindparam("minute", type_=UTCDateTime()),
    sa.bindparam("hour", type_=UTCDateTime()),
    sa.bindparam("day", type_=UTCDateTime()),
)


def _window_starts(now: datetime) -> tuple[datetime, datetime, datetime]:
    """Start of the clock minute, the clock hour and the Beijing day that contain `now`."""
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    hour = minute.replace(minute=0)
    local_midnight = now.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return minute, hour, local_midnight.astimezone(UTC)


def _spend_address_budgets(ip_hash: str, nomination_id: int, rule: LikeRule, now: datetime):
    """Raise the address's three budgets (this minute, this hour, this candidate today) by
    one each in one statement: an upsert that raises a budget only below its cap and
    returns the scopes it raised. A budget at its cap refuses the like (LikeLimitError);
    the caller rolls back, so a refused like spends nothing."""
    minute, hour, day = _window_starts(now)
    candidate = f"candidate:{nomination_id}"
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
            candidate,
            day,
            rule.per_address_candidate_day,
            timedelta(days=1),
            _l(
                "Your network has given this candidate the most likes one address may give "
                "in a day. Come back tomorrow!"
            ),
        ),
    ]
    raised = set(
        db.session.scalars(
            _RAISE_BUDGETS,
            {
                "ip_hash": ip_hash,
                "minute": minute,
                "hour": hour,
                "candidate": candidate,
                "day": day,
                "minute_cap": rule.per_address_minute,
                "hour_cap": rule.per_address_hour,
                "candidate_cap": rule.per_address_candidate_day,
            },
        )
    )
    for scope, start, cap, length, message in budgets:
        if scope not in raised or cap < 1:
            retry_after = math.ceil((start + length - now).total_seconds())
            raise LikeLimitError(message, retry_after=max(retry_after, 1))


def prune_like_budgets(now: datetime, actor) -> list[str]:
    """`flask honors schedule`: budgets older than two days decide nothing any more (kept
    off the like's own transaction)."""
    _minute, _hour, day = _window_starts(now)
    result = db.session.execute(
        sa.delete(LikeBudget)
        .where(LikeBudget.window_start < day - timedelta(days=2))
        .execution_options(synchronize_session=False)
    )
    return [f"like budgets pruned: {result.rowcount}"] if result.rowcount else []


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
