"""/roll: the honor roll with filters in the URL and search; /roll.csv: the same as CSV."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, render_template, request

from app.core.cache import public_page
from app.db_types import enum_values
from app.extensions import db
from app.orgs import queries as org_queries
from app.programs.models import Category, Level, Program
from app.registry.models import HonoreeKind
from app.roll.exports import roll_csv, roll_records
from app.roll.queries import MAX_TERM, RollFilters, highlight, plain, roll_page

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


@bp.get("/roll")
@public_page
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
        plain=plain,
        levels=list(Level),
    )


@bp.get("/roll.csv")
@public_page
def export_csv():
    """The public roll as CSV (public fields only), with the same filters."""
    return Response(
        roll_csv(roll_records(filters_from(request.args))),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=luohe-roll.csv"},
    )
