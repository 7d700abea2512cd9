"""Public frame routes: home and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from app.core.cache import public_page
from app.extensions import db
from app.honors import queries as honor_queries
from app.programs import queries as program_queries

bp = Blueprint("core", __name__)


@bp.get("/")
@public_page
def home():
    return render_template(
        "core/home.html",
        figures=honor_queries.headline_figures(),
        latest=honor_queries.latest_published(limit=8),
        active_cycles=program_queries.active_cycles(),
        published_cycles=program_queries.published_cycles(),
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
