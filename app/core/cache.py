"""Public page cache: keyed by the request, the language and the public data version.

Anonymous GETs only (logged-in pages carry personal navigation). An entry never outlives
the next scheduled release, so a scheduled publication appears on time. Every cached
response has an ETag and Last-Modified and answers conditional requests with 304.

`memoized` keeps values derived from the public data (headline figures, statistics
tables, roll totals) under the same version, for pages and callers the page cache does
not cover (logged-in visitors, every distinct roll URL), so an aggregate over the whole
registry is computed once per publication, not once per page.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import TypeVar

import sqlalchemy as sa
from flask import Response, current_app, g, has_app_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.db_types import utcnow
from app.extensions import cache, db
from app.registry.models import Honor, HonorStatus, PublicDataVersion

CACHEABLE_STATUS = {200}
VERSION_MEMO = "honors_public_version"
T = TypeVar("T")


def public_version() -> tuple[int, datetime | None]:
    """The public data version: read once per request, and at most once per
    PUBLIC_VERSION_TTL seconds per process (other processes see a publication that late)."""
    if "public_version" in g:
        return g.public_version
    ttl = current_app.config["PUBLIC_VERSION_TTL"]
    now = time.monotonic()
    remembered = current_app.extensions.get(VERSION_MEMO)
    if ttl and remembered is not None and remembered[0] > now:
        g.public_version = remembered[1]
        return g.public_version
    row = db.session.execute(
        sa.select(PublicDataVersion.version, PublicDataVersion.changed_at).where(
            PublicDataVersion.id == 1
        )
    ).first()
    g.public_version = (row[0], row[1]) if row else (0, None)
    if ttl:
        current_app.extensions[VERSION_MEMO] = (now + ttl, g.public_version)
    return g.public_version


def forget_public_version() -> None:
    """After a bump: this request and this process read the new version at once."""
    if has_app_context():
        g.pop("public_version", None)
        current_app.extensions.pop(VERSION_MEMO, None)


def memoized(name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()`, kept until the public data changes (or the next scheduled release)."""
    version, _changed_at = public_version()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"data:{version}:{name}:{digest}"
    value = _cache_call("get", key)
    if value is None:
        with single_flight(key):  # concurrent first callers wait for one computation
            value = _cache_call("get", key)
            if value is None:
                value = compute()
                _store(key, value)
    return value


def page_key(version: int, locale: object, full_path: str) -> str:
    """The page cache's key (also looked up by app/core/fastpath.py)."""
    return f"page:{version}:{locale}:{full_path}"


def _store(key: str, value: object) -> None:
    """Cache `value` until the next scheduled release at the latest."""
    timeout = _seconds_to_next_release(utcnow(), current_app.config["CACHE_DEFAULT_TIMEOUT"])
    _cache_call("set", key, value, timeout=timeout)


class _SingleFlight:
    """One lock per key in use: the first thread computes, the others wait and reuse.

    Without it, the visitors who arrive together after a publication all render the same
    page (or aggregate over the whole registry) at once and all wait for the slowest.
    Page keys may take data keys while held, never the reverse, so locks cannot cycle.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, list] = {}

    @contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]


single_flight = _SingleFlight()


def _seconds_to_next_release(now: datetime, default: int) -> int:
    upcoming = db.session.scalar(
        sa.select(sa.func.min(Honor.published_at)).where(
            Honor.status == HonorStatus.PUBLISHED, Honor.published_at > now
        )
    )
    if upcoming is None:
        return default
    return max(1, min(default, int((upcoming - now).total_seconds())))


def _cache_call(method: str, *args, **kwargs):
    """A cache operation; an unreachable cache (Redis down) serves pages and values
    uncached instead of failing the request."""
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any backend failure: serve without the cache
        current_app.logger.warning("page cache unavailable: %s", error.__class__.__name__)
        return None


def _cacheable() -> bool:
    return (
        request.method == "GET" and not current_user.is_authenticated and "_flashes" not in session
    )


def _entry(response: Response) -> dict:
    body = response.get_data()
    return {
        "body": body,
        "mimetype": response.mimetype,
        "headers": {k: v for k, v in response.headers.items() if k in ("Content-Disposition",)},
        "etag": hashlib.sha256(body).hexdigest()[:32],
    }


def cached_response(entry: dict, changed_at: datetime | None) -> Response:
    """The response for a cache entry (also served by app/core/fastpath.py)."""
    response = Response(entry["body"], mimetype=entry["mimetype"], headers=entry["headers"])
    response.set_etag(entry["etag"])
    if changed_at is not None:
        response.last_modified = changed_at
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def public_page(view):
    """Cache an anonymous public GET view's 200 responses under the data version."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        version, changed_at = public_version()
        key = page_key(version, get_locale(), request.full_path)
        entry = _cache_call("get", key)
        if entry is None:
            with single_flight(key):
                entry = _cache_call("get", key)
                if entry is None:
                    response = make_response(view(*args, **kwargs))
                    if response.status_code not in CACHEABLE_STATUS or response.direct_passthrough:
                        return response
                    entry = _entry(response)
                    _store(key, entry)
        return cached_response(entry, changed_at).make_conditional(request)

    return wrapper
