"""The one local zone (Beijing time) and the clock: the current UTC moment and today's local
date. The only module that may ask the system for the time.

`set_to` runs a block as if the clock read a given moment: the demo lives its sample cycles
through the services this way (app/demo/live.py), and every `utcnow()` inside the block,
column defaults included, reads that moment. Outside such a block the clock is the system's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_set_moment: ContextVar[datetime | None] = ContextVar("clock_set_moment", default=None)


def utcnow() -> datetime:
    moment = _set_moment.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def set_to(moment: datetime) -> Iterator[datetime]:
    """Within the block, `utcnow()` returns `moment` (an aware datetime); nestable."""
    if moment.tzinfo is None:
        raise ValueError("set_to needs an aware datetime")
    token = _set_moment.set(moment.astimezone(UTC))
    try:
        yield moment
    finally:
        _set_moment.reset(token)


def local_today(now: datetime | None = None) -> date:
    """The Beijing date of `now` (default: this moment), whatever zone the server runs in:
    a UTC server's own date is a day behind until 08:00 Beijing time."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()
