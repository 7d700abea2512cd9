"""The one local zone (Beijing time) and the clock: the current UTC moment and today's local
date. The only module that may ask the system for the time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """The Beijing date of `now` (default: this moment), whatever zone the server runs in:
    a UTC server's own date is a day behind until 08:00 Beijing time."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()
