"""Login throttle: growing delays per (account name, client address) and a cap per address.

Failures are rows of `login_attempts`, keyed by the typed account name (existing or not) and
a keyed hash of the address, so every worker and machine sees the same state and an unknown
name is throttled exactly like a real one. An attacker's failures only delay that attacker's
address: the owner, from any other address, logs in as usual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import LoginAttempt
from app.extensions import db
from app.privacy import crypto


@dataclass(frozen=True)
class ThrottlePolicy:
    # Failures of one name from one address answered at once; after that, each failure
    # makes the next try wait first_delay, then twice as long each time, up to max_delay.
    free_failures: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    # Failures are forgotten after this long (and on success, for that name and address).
    memory: timedelta = timedelta(hours=24)
    # Failures of any names from one address within an hour before that address must wait.
    per_address_hour: int = 50


def address_key(ip: str) -> str:
    """The stored form of a client address: a keyed hash, never the address itself."""
    return crypto.keyed_hash(ip or "-")


def delay_after(failures: int, policy: ThrottlePolicy) -> timedelta:
    """The wait imposed after `failures` failures of one name from one address."""
    if failures < policy.free_failures:
        return timedelta(0)
    doublings = min(failures - policy.free_failures, 32)
    return min(policy.first_delay * (2**doublings), policy.max_delay)


def seconds_to_wait(name: str, address: str, *, policy: ThrottlePolicy, now: datetime) -> int:
    """Whole seconds before `name` may be tried again from `address` (0: now)."""
    pair = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.username == name,
            LoginAttempt.address == address,
            LoginAttempt.at > now - policy.memory,
        )
    ).one()
    allowed_at = now
    failures, latest = pair
    if failures and latest is not None:
        allowed_at = max(allowed_at, latest + delay_after(failures, policy))
    hour_ago = now - timedelta(hours=1)
    recent = list(
        db.session.scalars(
            sa.select(LoginAttempt.at)
            .where(LoginAttempt.address == address, LoginAttempt.at > hour_ago)
            .order_by(LoginAttempt.at.desc())
            .limit(policy.per_address_hour)
        )
    )
    if len(recent) >= policy.per_address_hour:
        # The address may try again when the oldest of its last N failures is an hour old.
        allowed_at = max(allowed_at, recent[-1] + timedelta(hours=1))
    return math.ceil((allowed_at - now).total_seconds())


def record_failure(name: str, address: str, *, policy: ThrottlePolicy, now: datetime) -> int:
    """Store one failure and forget expired ones; the wait it imposes, in seconds."""
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at <= now - policy.memory))
    db.session.add(LoginAttempt(username=name, address=address, at=now))
    db.session.flush()
    return seconds_to_wait(name, address, policy=policy, now=now)


def clear_failures(name: str, address: str) -> None:
    """A success from this address forgets this name's failures there (and only there)."""
    db.session.execute(
        sa.delete(LoginAttempt).where(
            LoginAttempt.username == name, LoginAttempt.address == address
        )
    )
