"""Staff dashboard: programs with their settings, recent cycles, recent audit events."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.accounts.permissions import can_use_staff_area
from app.audit import queries as audit_queries
from app.core.guards import require
from app.programs import queries as program_queries

bp = Blueprint("staff", __name__)
bp.before_request(require(can_use_staff_area))


@bp.get("/")
def dashboard():
    return render_template(
        "staff/dashboard.html",
        programs=program_queries.all_programs(),
        cycles=program_queries.recent_cycles(),
        events=audit_queries.recent_events(),
    )
