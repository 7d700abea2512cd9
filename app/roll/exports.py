"""The public roll as open data (public fields only): /roll.csv and `honors export`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain

from app.core.spreadsheets import csv_text
from app.roll.queries import RollFilters, roll_page

COLUMNS = (
    "slug",
    "name",
    "kind",
    "program",
    "level",
    "period",
    "category",
    "district",
    "unit",
    "headline",
    "published_at",
)


def roll_records(filters: RollFilters | None = None) -> Iterator[dict[str, str]]:
    """Every public honor matching `filters`, newest first, 500 per query."""
    filters = filters or RollFilters()
    page = 1
    while True:
        result = roll_page(filters, page, per_page=500)
        for honor in result.items:
            honoree = honor.honoree
            yield {
                "slug": honoree.slug,
                "name": honoree.name,
                "kind": honoree.kind.value,
                "program": honor.program.code,
                "level": honor.program.level.value,
                "period": honor.period_label,
                "category": honor.category.code if honor.category else "",
                "district": honoree.district.name if honoree.district else "",
                "unit": honoree.unit or "",
                "headline": honoree.headline,
                "published_at": honor.published_at.isoformat() if honor.published_at else "",
            }
        if page >= result.pages:
            return
        page += 1


def roll_csv(records: Iterator[dict[str, str]]) -> str:
    """CSV with a BOM; a field starting with = + - @ tab or CR gets a leading `'`."""
    return csv_text(chain([COLUMNS], ([r[c] for c in COLUMNS] for r in records)))


def roll_json(records: Iterator[dict[str, str]]) -> str:
    return json.dumps({"items": list(records)}, ensure_ascii=False, indent=1)
