"""The home page route (a cached public page)."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.core.cache import public_page
from app.honors import queries as honor_queries
from app.programs import queries as program_queries

bp = Blueprint("home", __name__)


@bp.get("/")
@public_page
def index():
    return render_template(
        "home/index.html",
        figures=honor_queries.headline_figures(),
        latest=honor_queries.latest_published(limit=8),
        active_cycles=program_queries.active_cycles(),
        published_cycles=program_queries.published_cycles(),
    )
