"""Public representations: the only fields that ever leave through the feed and the API."""

from __future__ import annotations

from app.core.urls import public_url_for
from app.registry.models import Honor, Honoree


def honor_json(honor: Honor) -> dict:
    return {
        "program": honor.program.code,
        "program_name": honor.program.name_zh,
        "level": honor.program.level.value,
        "award": honor.award.value,
        "period": honor.period_label,
        "period_start": honor.period_start.isoformat(),
        "category": honor.category.code if honor.category else None,
        "published_at": honor.published_at.isoformat() if honor.published_at else None,
    }


def honoree_json(honoree: Honoree) -> dict:
    return {
        "slug": honoree.slug,
        "name": honoree.name,
        "kind": honoree.kind.value,
        "headline": honoree.headline,
        "district": honoree.district.name if honoree.district else None,
        "unit": honoree.unit,
        "url": public_url_for("honors.honoree", slug=honoree.slug),
    }
