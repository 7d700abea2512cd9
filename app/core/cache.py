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
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import TypeVar
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from app.core.i18n import LANG_ARG
from app.core.public_data import CHANGED_FLAG, VERSION_MEMO, PublicDataVersion
from app.db_types import utcnow
from app.extensions import cache, db

CACHEABLE_STATUS = {200}
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
T = TypeVar("T")

# The release time of the next honor published ahead of time (app/wiring.py sets the
# honors query): no entry outlives it, since nothing is written when that time comes.
_next_release: Callable[[datetime], datetime | None] = lambda _now: None  # noqa: E731


def set_next_release(query: Callable[[datetime], datetime | None]) -> None:
    global _next_release  # noqa: PLW0603 - one hook, set once by the app's wiring
    _next_release = query


def cacheable(method: str, *, logged_in: bool, has_flashes: bool) -> bool:
    """The one rule of what the page cache may answer: an anonymous GET or HEAD with no
    message waiting. The WSGI fast path proves it by the absence of any session cookie."""
    return method in CACHEABLE_METHODS and not logged_in and not has_flashes


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


def memoized(name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()`, kept until the public data changes (or the next scheduled release)."""
    version, _changed_at = public_version()
    key = f"data:{version}:{name}:{_digest(parts)}"
    value = _cache_call("get", key)
    if value is None:
        with single_flight(key):  # concurrent first callers wait for one computation
            value = _cache_call("get", key)
            if value is None:
                value = compute()
                _store(key, value)
    return value


# Aggregates over the whole public data (headline figures, statistics tables, the roll's
# filter values): the current value of each, per process, beside the bounded page cache. A
# crawler's thousand distinct pages cannot evict them and no timeout drops them while their
# version is current; they are recomputed when the version changes or a scheduled release
# comes, and warmed right after a change of public data is committed (`warm_aggregates`).
_aggregates: dict[str, tuple[tuple[int, datetime | None], datetime | None, object]] = {}
_warmers: list[Callable[[], object]] = []


def _digest(parts: tuple) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def aggregate(name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()` once per public data version and process (and shared through the cache
    backend with other processes), never evicted while current. For a bounded set of
    values: `parts` must take few values (a language), never a visitor's input."""
    stamp = public_version()
    now = utcnow()
    key = f"{name}:{_digest(parts)}"

    def current():  # held for this version, and no scheduled release has come since
        held = _aggregates.get(key)
        if held is not None and held[0] == stamp and (held[1] is None or now < held[1]):
            return held
        return None

    if (held := current()) is not None:
        return held[2]
    with single_flight(f"aggregate:{key}"):
        if (held := current()) is not None:
            return held[2]
        release = _next_release(now)  # part of the shared key: the clock may be moved
        shared = f"data:{stamp[0]}:{release.isoformat() if release else '-'}:{key}"
        value = _cache_call("get", shared)
        if value is None:
            value = compute()
            _store(shared, value)
        _aggregates[key] = (stamp, release, value)
    return value


def warms(warmer: Callable[[], object]) -> None:
    """Register a function that computes aggregates (app/wiring.py), run after every
    committed change of public data so that no visitor waits for them."""
    if warmer not in _warmers:
        _warmers.append(warmer)


def warmers() -> list[Callable[[], object]]:
    return list(_warmers)


def warm_aggregates() -> None:
    """Compute every registered aggregate for the current version (a failure is logged:
    the next visitor computes that one)."""
    for warmer in _warmers:
        try:
            warmer()
        except Exception:  # noqa: BLE001 - warming is an optimisation, never an error
            current_app.logger.exception("warming %s failed", getattr(warmer, "__name__", warmer))
            db.session.rollback()


def warm_after_change(_error: BaseException | None = None) -> None:
    """teardown_appcontext: after a request or command that changed public data (the
    version was bumped in it), warm the aggregates before the next visitor asks."""
    changed = g.pop(CHANGED_FLAG, False)
    if _error is None and changed and current_app.config["WARM_AGGREGATES"]:
        warm_aggregates()


def forget_aggregates() -> None:
    """Drop every held aggregate (tests empty the database between cases)."""
    _aggregates.clear()


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
    upcoming = _next_release(now)
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
    return cacheable(
        request.method,
        logged_in=current_user.is_authenticated,
        has_flashes="_flashes" in session,
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


def cached_entry(app, version: int, locale: str, full_path: str) -> dict | None:
    """A page entry looked up outside a request (the fast path): the cache backend of
    `app`; None when the cache holds nothing or cannot answer."""
    backend = app.extensions.get("cache", {}).get(cache)
    if backend is None:
        return None
    try:
        return backend.get(page_key(version, locale, full_path))
    except Exception:  # noqa: BLE001 - cache down: the Flask path copes and logs
        return None


# Parameters that apps append to shared links (WeChat's `from=singlemessage`,
# `isappinstalled=0`, ad and analytics tags): never part of a page's key or its query.
TRACKING_PARAMS = frozenset(
    {
        "from",
        "isappinstalled",
        "scene",
        "clicktime",
        "enterid",
        "sharer_sharetime",
        "sharer_shareid",
        "share_source",
        "share_from",
        "wxfrom",
        "wx_header",
        "nsukey",
        "spm",
        "fbclid",
        "gclid",
        "timestamp",
    }
)
TRACKING_PREFIXES = ("utm_",)

# A parameter's normalizer: the canonical text of a value inside its domain, else None.
Normalizer = Callable[[str], "str | None"]


def int_in(low: int, high: int) -> Normalizer:
    """A decimal integer within [low, high], written without leading zeros."""

    def normalize(value: str) -> str | None:
        value = value.strip()
        if value.isdecimal() and len(value) <= 9 and low <= int(value) <= high:
            return str(int(value))
        return None

    return normalize


def one_of(domain: Callable[[], Collection[str]]) -> Normalizer:
    """A value of a (possibly data-dependent) domain, e.g. the programs' codes."""
    return lambda value: value if value in domain() else None


def text(limit: int) -> Normalizer:
    """Free text (a search): stripped, cut at `limit` characters, never empty."""
    return lambda value: value.strip()[:limit] or None


def is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def canonical_query(args: MultiDict, params: Mapping[str, Normalizer]) -> list[tuple[str, str]]:
    """The declared parameters whose (first) value lies in its domain, in name order, as
    the canonical text their normalizer gives. Unknown and tracking parameters, repeats and
    values outside a domain are dropped: every link to the same content has one key."""
    query = []
    for name in sorted(params):
        raw = args.get(name)
        if raw is None:
            continue
        value = params[name](raw)
        if value is not None:
            query.append((name, value))
    return query


def canonical_path(path: str, query: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def shared_link_path(path: str, args: MultiDict) -> str:
    """The fast path's guess of a page's canonical path without knowing its parameters:
    tracking parameters dropped, the rest in name order. It equals the decorator's key
    whenever every remaining parameter is declared and in its domain; otherwise the fast
    path misses and the Flask path (which knows the domains) answers."""
    query = sorted((name, args.get(name, "")) for name in set(args.keys()) if not is_tracking(name))
    return canonical_path(path, query)


def _variant_allowed(version: int, endpoint: str) -> bool:
    """Whether one more variant of an endpoint may be cached under this version: at most
    PAGE_CACHE_MAX_VARIANTS (counted per process or per Redis), so a script varying a
    free-text parameter cannot flood the cache; the variants beyond are served uncached.
    A page without parameters is always cached."""
    limit = current_app.config["PAGE_CACHE_MAX_VARIANTS"]
    counter = f"variants:{version}:{endpoint}"
    count = _cache_call("get", counter) or 0
    if count >= limit:
        return False
    _cache_call("set", counter, count + 1, timeout=current_app.config["CACHE_DEFAULT_TIMEOUT"])
    return True


def public_page(view=None, *, params: Mapping[str, Normalizer] | None = None):
    """Cache an anonymous public GET view's 200 responses under the data version.

    The view reads only the query parameters it declares in `params` (name → normalizer):
    it sees them canonical (`request.args` replaced), and the key is built from them, so
    links that differ by tracking tags, order, unknown parameters or values outside a
    filter's domain share one entry. `@public_page` alone declares no parameter.
    """
    declared = dict(params or {})

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            bypass = current_app.config["PAGE_CACHE_BYPASS_PARAM"]
            bypassed = bool(bypass) and bypass in request.args
            query = canonical_query(request.args, declared)
            # The language choice stays readable (the locale is part of the key by itself).
            lang = [(LANG_ARG, v) for v in request.args.getlist(LANG_ARG)[:1]]
            request.args = ImmutableMultiDict(query + lang)
            if bypassed or not _cacheable():
                return view(*args, **kwargs)
            version, changed_at = public_version()
            key = page_key(version, get_locale(), canonical_path(request.path, query))
            entry = _cache_call("get", key)
            if entry is None:
                with single_flight(key):
                    entry = _cache_call("get", key)
                    if entry is None:
                        response = make_response(view(*args, **kwargs))
                        if (
                            response.status_code not in CACHEABLE_STATUS
                            or response.direct_passthrough
                        ):
                            return response
                        entry = _entry(response)
                        if query and not _variant_allowed(version, request.endpoint or ""):
                            return cached_response(entry, changed_at).make_conditional(request)
                        _store(key, entry)
            return cached_response(entry, changed_at).make_conditional(request)

        return wrapper

    return decorate(view) if view is not None else decorate
