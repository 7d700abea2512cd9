"""/stats (好人之城) with accessible SVG charts and a CSV download of every table."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.core.cache import public_page
from app.core.spreadsheets import csv_text
from app.honors.queries import headline_figures
from app.stats import queries

bp = Blueprint("stats", __name__)

TITLES = {
    "program": _l("Honorees per program"),
    "level": _l("Honorees per level"),
    "kind": _l("Individuals and groups"),
    "category": _l("Honors per category"),
    "district": _l("Honorees per district"),
    "gender": _l("Individuals by gender"),
    "age": _l("Individuals by age band"),
    "timeline": _l("Local honors per month"),
}


def _tables() -> dict[str, queries.Table]:
    return queries.tables("en" if str(get_locale()).startswith("en") else "zh")


@bp.get("/stats")
@public_page
def index():
    return render_template(
        "stats/index.html",
        figures=headline_figures(),
        streak=queries.streak(),
        tables=_tables(),
        titles=TITLES,
    )


@bp.get("/stats/<key>.csv")
@public_page
def table_csv(key: str):
    tables = _tables()
    if key not in tables:
        abort(404)
    return Response(
        csv_text([[str(TITLES[key]), "count"], *tables[key].rows]),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=stats-{key}.csv"},
    )
