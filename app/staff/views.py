"""Staff dashboard and cycle management (list, phase moves, dates, scheduling)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import can_use_staff_area
from app.core.clock import local_today
from app.core.forms import attach_error
from app.core.guards import require
from app.db_types import enum_values, utcnow
from app.extensions import db
from app.nominations import queries as nomination_queries
from app.programs import queries as program_queries
from app.programs import services as cycle_services
from app.programs.models import Cycle, Program
from app.programs.workflow import CyclePhase, TransitionError
from app.staff import queries as staff_queries
from app.staff.forms import CycleDatesForm, MoveForm, to_minute
from app.staff.labels import action_label

bp = Blueprint("staff", __name__)
# The one guard of the whole staff area: every staff blueprint nests under this one
# (app/staff/area.py), so no staff page can be added without it.
bp.before_request(require(can_use_staff_area))
PER_PAGE = 30


@bp.get("/")
def dashboard():
    return render_template(
        "staff/dashboard.html",
        work=staff_queries.workload(now=utcnow()),
        programs=program_queries.all_programs(),
        cycles=program_queries.recent_cycles(),
        events=staff_queries.recent_activity(),
        action_label=action_label,
    )


@bp.get("/cycles")
def cycles():
    program_code = request.args.get("program", "")
    state = request.args.get("state", "")
    stmt = sa.select(Cycle).join(Program).order_by(Cycle.reference_date.desc(), Program.sort_order)
    if program_code:
        stmt = stmt.where(Program.code == program_code)
    if state in enum_values(CyclePhase):
        stmt = stmt.where(Cycle.state == CyclePhase(state))
    page = request.args.get("page", "1")
    pagination = db.paginate(
        stmt,
        page=int(page) if page.isdecimal() and len(page) < 7 else 1,
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "staff/cycles.html",
        pagination=pagination,
        programs=program_queries.all_programs(),
        program_code=program_code,
        state=state,
        phases=list(CyclePhase),
        counts=nomination_queries.nomination_counts([c.id for c in pagination.items]),
        move_form=MoveForm(),
    )


@bp.post("/cycles/schedule")
def schedule():
    created = cycle_services.schedule_cycles(today=local_today(), actor=current_user)
    db.session.commit()
    flash(_("%(n)d new cycles created.", n=len(created)), "success")
    return redirect(url_for("staff.cycles"))


@bp.route("/cycles/<int:cycle_id>", methods=["GET", "POST"])
def cycle(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    current = {name: getattr(cycle, name) for name in cycle_services.DATE_FIELDS}
    shown = {name: to_minute(value) for name, value in current.items()}
    form = CycleDatesForm(data=shown)
    if request.method == "POST":
        form = CycleDatesForm()
        form.keep_unsent(shown)
        if form.validate_on_submit():
            try:
                cycle_services.update_cycle_dates(
                    cycle,
                    actor=current_user,
                    reason=form.reason.data or "",
                    **form.changed_dates(current),
                )
            except cycle_services.CycleDatesError as error:
                db.session.rollback()
                attach_error(form, error.field, error.message)
            else:
                db.session.commit()
                flash(_("Dates saved."), "success")
                return redirect(url_for("staff.cycle", cycle_id=cycle.id))
    now = utcnow()
    moves = [
        (target, cycle_services.refusals(cycle, target, now=now))
        for target in cycle_services.next_phases(cycle)
    ]
    return render_template(
        "staff/cycle.html",
        cycle=cycle,
        form=form,
        moves=moves,
        move_form=MoveForm(),
        counts=nomination_queries.nomination_counts([cycle.id]).get(cycle.id, {}),
    )


@bp.post("/cycles/<int:cycle_id>/move")
def move(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = MoveForm()
    if form.validate_on_submit() and form.target.data == CyclePhase.PUBLISHED.value:
        # Publication creates the honors and takes a release time: its own page.
        return redirect(url_for("staff.honors_admin.publish", cycle_id=cycle_id))
    if form.validate_on_submit() and form.target.data in enum_values(CyclePhase):
        try:
            cycle_services.transition_cycle(cycle, CyclePhase(form.target.data), actor=current_user)
        except TransitionError as error:
            db.session.rollback()
            flash(_("Not moved: %(why)s", why=str(error)), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "The cycle is now in phase: %(phase)s.",
                    phase=CyclePhase(form.target.data).label,
                ),
                "success",
            )
    else:
        flash(_("Unknown phase."), "error")
    return redirect(url_for("staff.cycle", cycle_id=cycle_id))
