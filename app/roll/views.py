"""/roll: the honor roll with filters in the URL and search; /roll.csv: the same as CSV."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request

from app.core.cache import int_in, one_of, public_page, text
from app.db_types import enum_values
from app.extensions import db
from app.orgs import queries as org_queries
from app.programs.models import Category, Level, Program
from app.registry.models import HonoreeKind
from app.roll.exports import roll_csv, roll_records
from app.roll.queries import (
    MAX_TERM,
    RollFilters,
    filter_domains,
    highlight,
    mentions,
    plain,
    roll_page,
)
from app.roll.search import surname_only

bp = Blueprint("roll", __name__)


def _int(value: str | None, *, low: int, high: int) -> int | None:
    if value and value.isdecimal() and len(value) <= 9:
        number = int(value)
        return number if low <= number <= high else None
    return None


def filters_from(args) -> RollFilters:
    """Untrusted query arguments → filters; anything unknown is ignored, never a 500."""
    q = (args.get("q") or "").strip()[:MAX_TERM] or None
    level = args.get("level")
    kind = args.get("kind")
    return RollFilters(
        program=(args.get("program") or "")[:40] or None,
        level=Level(level) if level in enum_values(Level) else None,
        year=_int(args.get("year"), low=1949, high=2100),
        period=(args.get("period") or "")[:30] or None,
        category=(args.get("category") or "")[:30] or None,
        district=_int(args.get("district"), low=1, high=2**31 - 1),
        kind=HonoreeKind(kind) if kind in enum_values(HonoreeKind) else None,
        q=q,
    )


# The roll's query parameters and their domains (see core.cache.public_page).
FILTER_PARAMS = {
    "q": text(MAX_TERM),
    "program": one_of(lambda: filter_domains()["program"]),
    "level": one_of(lambda: enum_values(Level)),
    "year": int_in(1949, 2100),
    "period": one_of(lambda: filter_domains()["period"]),
    "category": one_of(lambda: filter_domains()["category"]),
    "district": one_of(lambda: filter_domains()["district"]),
    "kind": one_of(lambda: enum_values(HonoreeKind)),
}
PAGE_PARAMS = {"page": int_in(1, 10**6)}


@bp.get("/roll")
@public_page(params=FILTER_PARAMS | PAGE_PARAMS)
def index():
    filters = filters_from(request.args)
    page = _int(request.args.get("page"), low=1, high=10**6) or 1
    result = roll_page(filters, page)
    programs = db.session.scalars(sa.select(Program).order_by(Program.sort_order)).all()
    categories = db.session.scalars(sa.select(Category).order_by(Category.sort_order)).all()
    return render_template(
        "roll/index.html",
        result=result,
        filters=filters,
        programs=programs,
        categories=categories,
        districts=org_queries.districts(),
        highlight=highlight,
        mentions=mentions,
        surname=surname_only(filters.q),
        plain=plain,
        levels=list(Level),
    )


@bp.get("/roll.csv")
@public_page(params=FILTER_PARAMS)
def export_csv():
    """The public roll as CSV (public fields only), with the same filters."""
    return Response(
        roll_csv(roll_records(filters_from(request.args))),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=luohe-roll.csv"},
    )
