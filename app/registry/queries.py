"""Reusable selects over the registry: the public rule for honors, old slugs of merged records."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.registry.models import Honor, Honoree, HonoreeSlugRedirect, HonorStatus


def public_honor_filter() -> sa.ColumnElement[bool]:
    """Honors the public may see (the query joins Honoree): released, and the honoree's
    consent not withdrawn. Honoree.is_public is the same rule for whole records."""
    return sa.and_(Honor.is_released, ~Honoree.consent_withdrawn)


def merged_into(slug: str) -> Honoree | None:
    """The record an old slug points to since its record was merged into it (or None)."""
    return db.session.scalar(
        sa.select(Honoree)
        .join(HonoreeSlugRedirect, HonoreeSlugRedirect.honoree_id == Honoree.id)
        .where(HonoreeSlugRedirect.slug == slug[:80])
    )


def next_release(now: datetime) -> datetime | None:
    """When the next honor published ahead of time is released (None: none is waiting)."""
    return db.session.scalar(
        sa.select(sa.func.min(Honor.published_at)).where(
            Honor.status == HonorStatus.PUBLISHED, Honor.published_at > now
        )
    )
