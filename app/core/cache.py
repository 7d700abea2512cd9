"""Public page cache: keyed by the request, the language and the public data version.

Anonymous GETs only (logged-in pages carry personal navigation). An entry never outlives
the next scheduled release, so a scheduled publication appears on time. Every cached
response has an ETag and Last-Modified and answers conditional requests with 304.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import wraps

import sqlalchemy as sa
from flask import Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.db_types import utcnow
from app.extensions import cache, db
from app.honors.models import Honor, HonorStatus, PublicDataVersion

CACHEABLE_STATUS = {200}


def public_version() -> tuple[int, datetime | None]:
    row = db.session.execute(
        sa.select(PublicDataVersion.version, PublicDataVersion.changed_at).where(
            PublicDataVersion.id == 1
        )
    ).first()
    return (row[0], row[1]) if row else (0, None)


def _seconds_to_next_release(now: datetime, default: int) -> int:
    upcoming = db.session.scalar(
        sa.select(sa.func.min(Honor.published_at)).where(
            Honor.status == HonorStatus.PUBLISHED, Honor.published_at > now
        )
    )
    if upcoming is None:
        return default
    return max(1, min(default, int((upcoming - now).total_seconds())))


def _cacheable() -> bool:
    return (
        request.method == "GET" and not current_user.is_authenticated and "_flashes" not in session
    )


def public_page(view):
    """Cache an anonymous public GET view's 200 responses under the data version."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        version, changed_at = public_version()
        key = f"page:{version}:{get_locale()}:{request.full_path}"
        entry = cache.get(key)
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code not in CACHEABLE_STATUS or response.direct_passthrough:
                return response
            body = response.get_data()
            entry = {
                "body": body,
                "mimetype": response.mimetype,
                "headers": {
                    k: v for k, v in response.headers.items() if k in ("Content-Disposition",)
                },
                "etag": hashlib.sha256(body).hexdigest()[:32],
            }
            timeout = _seconds_to_next_release(
                utcnow(), current_app.config["CACHE_DEFAULT_TIMEOUT"]
            )
            cache.set(key, entry, timeout=timeout)
        response = Response(entry["body"], mimetype=entry["mimetype"], headers=entry["headers"])
        response.set_etag(entry["etag"])
        if changed_at is not None:
            response.last_modified = changed_at
        response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        return response.make_conditional(request)

    return wrapper
