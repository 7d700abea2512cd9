"""A write committed again from a fresh transaction when the database refuses it.

SQLite has one writer at a time and its busy handler polls without a queue: under a burst,
a writer can wait past the busy timeout while others keep taking the lock ("database is
locked"), and two workers can lose an insert race. The write is then rolled back and run
again, with jitter, until a deadline; past it the error is raised and the error handler
answers the 503 page at once instead of holding the request for minutes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from app.extensions import db

T = TypeVar("T")
MAX_ATTEMPTS = 30


def commit_with_retry(
    write: Callable[[], T],
    *,
    seconds: float,
    retry_on: tuple[type[Exception], ...] = (OperationalError,),
) -> T:
    """Run `write()` and commit; on `retry_on` roll back and run it again until `seconds`
    have passed or MAX_ATTEMPTS were made, then raise the last error. Other exceptions
    (a refusal of the service) propagate at once, uncommitted, for the caller to roll back."""
    deadline = time.monotonic() + seconds
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            result = write()
            db.session.commit()
            return result
        except retry_on:
            db.session.rollback()
            if time.monotonic() >= deadline or attempt == MAX_ATTEMPTS:
                raise
            jitter = random.uniform(0.005, 0.03)  # noqa: S311  # nosec B311 # retry jitter
            time.sleep(jitter * min(attempt, 10))
    raise AssertionError("unreachable")  # pragma: no cover
