"""The staff's committee pages (/staff/cycles/<id>/committee, results and their export)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.models import Role, User, UserRole
from app.committee import ballots, exports, queries, roster, workflow
from app.committee import results as committee_results
from app.committee.forms import ResultsActionForm, RosterForm
from app.committee.models import CommitteeMember
from app.committee.views.results_page import render_results
from app.extensions import db
from app.programs.models import Cycle

admin_bp = Blueprint("committee_admin", __name__)


def _names(cycle: Cycle) -> dict[int, str]:
    return {n.id: n.name for n in queries.candidates(cycle)}


@admin_bp.route("/cycles/<int:cycle_id>/committee", methods=["GET", "POST"])
def manage(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = RosterForm()
    if form.validate_on_submit():
        try:
            _apply_roster_change(cycle, form)
        except workflow.CommitteeError as problem:
            db.session.rollback()
            flash(str(problem.message), "error")
        else:
            db.session.commit()
            flash(_("Committee updated."), "success")
        return redirect(url_for("staff.committee_admin.manage", cycle_id=cycle.id))
    members = queries.roster(cycle)
    taken = {m.user_id for m in members}
    available = [
        u
        for u in db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.COMMITTEE, User.is_active.is_(True))
            .order_by(User.username)
        )
        if u.id not in taken
    ]
    return render_template(
        "committee/manage.html",
        cycle=cycle,
        members=members,
        available=available,
        turnout=queries.turnout(cycle),
        form=form,
    )


def _apply_roster_change(cycle: Cycle, form: RosterForm) -> None:
    action, target = form.action.data, form.id.data
    if action == "add":
        user = db.session.get(User, target) if target else None
        if user is None:
            raise workflow.CommitteeError(_l("Choose a committee member to add."))
        roster.add_member(cycle, user, chair=form.chair.data, actor=current_user)
        return
    member = db.session.get(CommitteeMember, target) if target else None
    if member is None or member.cycle_id != cycle.id:
        raise workflow.CommitteeError(_l("Unknown committee member."))
    if action == "remove":
        roster.remove_member(cycle, member, actor=current_user)
    elif action == "chair":
        roster.set_chair(cycle, member, actor=current_user)
    else:
        raise workflow.CommitteeError(_l("Unknown action."))


@admin_bp.route("/cycles/<int:cycle_id>/results", methods=["GET", "POST"])
def results(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = ResultsActionForm()
    if form.validate_on_submit():
        action = form.action.data
        handlers = {
            "close": lambda: ballots.close_voting(cycle, actor=current_user),
            "remind": lambda: ballots.remind_non_voters(cycle, actor=current_user),
            "apply": lambda: committee_results.apply_results(cycle, actor=current_user),
            "runoff": lambda: committee_results.open_runoff(cycle, actor=current_user),
            "close_runoff": lambda: committee_results.close_runoff(cycle, actor=current_user),
        }
        try:
            if action not in handlers:
                raise workflow.CommitteeError(_l("Unknown action."))
            done = handlers[action]()
        except workflow.CommitteeError as problem:
            db.session.rollback()
            flash(str(problem.message), "error")
        else:
            db.session.commit()
            if action == "remind":
                flash(_("Reminder sent to %(n)d members.", n=done), "success")
            else:
                flash(_("Done."), "success")
        return redirect(url_for("staff.committee_admin.results", cycle_id=cycle.id))
    return render_results(cycle, chair=False)


@admin_bp.get("/cycles/<int:cycle_id>/results.xlsx")
def results_export(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    state = queries.outcome(cycle)
    if state is None:
        flash(_("The results can be exported once the vote is closed."), "error")
        return redirect(url_for("staff.committee_admin.results", cycle_id=cycle.id))
    data = exports.results_workbook(cycle, state, _names(cycle))
    response = send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=f"results-{cycle.program.code}-{cycle.period}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
