"""Staff vetting pages under /staff/nominations."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.audit.services import record_event
from app.core.urls import local_target
from app.db_types import enum_values
from app.extensions import db
from app.nominations import queries as nomination_queries
from app.nominations import services as nominations
from app.nominations.forms import ReasonForm
from app.nominations.models import Channel, ConsultedBody, ConsultResult, Nomination
from app.nominations.permissions import can_export_id_numbers, can_link_registry_record
from app.nominations.workflow import NominationState
from app.orgs import queries as org_queries
from app.programs.models import Cycle
from app.programs.periods import period_label
from app.registry.models import Honoree
from app.vetting import exports, queries, services
from app.vetting.forms import (
    BulkQualifyForm,
    CheckForm,
    ExportForm,
    NoteForm,
    QueueFilterForm,
    RegistryLinkForm,
    ShortlistForm,
)

bp = Blueprint("vetting", __name__)

PER_PAGE = 30
DECISIONS = {
    "return": NominationState.RETURNED,
    "reject": NominationState.NOT_QUALIFIED,
    "withdraw": NominationState.WITHDRAWN,
}


def _filter_form() -> tuple[QueueFilterForm, queries.QueueFilters]:
    form = QueueFilterForm(request.args)
    cycles = queries.filter_cycles()
    form.cycle_id.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(str(c.id), f"{c.program.name_zh} {period_label(c.period)}") for c in cycles
    ]
    form.district_id.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(str(d.id), d.name) for d in org_queries.districts()
    ]
    categories = queries.filter_categories()
    form.category_id.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(str(c.id), c.name_zh) for c in categories
    ]
    state = form.state.data if form.state.data in enum_values(NominationState) else None
    channel = form.channel.data if form.channel.data in enum_values(Channel) else None
    filters = queries.QueueFilters(
        cycle_id=form.cycle_id.data,
        state=NominationState(state) if state else None,
        district_id=form.district_id.data,
        category_id=form.category_id.data,
        channel=Channel(channel) if channel else None,
    )
    return form, filters


@bp.get("/")
def queue():
    form, filters = _filter_form()
    page = form.page.data if form.validate() and form.page.data else 1
    pagination = db.paginate(
        queries.queue_statement(filters), page=page, per_page=PER_PAGE, error_out=False
    )
    args = {k: v for k, v in request.args.items() if k not in {"page", "include_ids"}}
    return render_template(
        "vetting/queue.html",
        form=form,
        pagination=pagination,
        args=args,
        bulk_form=ReasonForm(),
        can_export_ids=can_export_id_numbers(current_user),
    )


@bp.route("/export.xlsx", methods=["GET", "POST"])
def export():
    """Masked export by GET; full ID numbers only by POST (CSRF-checked) from staff."""
    form, filters = _filter_form()
    include_ids = (
        request.method == "POST"
        and ExportForm().include_ids.data
        and can_export_id_numbers(current_user)
    )
    nominations = list(db.session.scalars(queries.queue_statement(filters)).unique())
    record_event(
        "nominations.exported",
        actor=current_user,
        object_type="nominations",
        after={
            "count": len(nominations),
            "include_ids": include_ids,
            "filters": {k: v for k, v in request.args.items() if k != "include_ids"},
        },
    )
    db.session.commit()
    data = exports.queue_workbook(nominations, include_ids=include_ids)
    response = send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name="nominations.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _load(nomination_id: int) -> Nomination:
    nomination = nomination_queries.full(nomination_id)
    if nomination is None or nomination.state is NominationState.DRAFT:
        abort(404)
    return nomination


@bp.get("/<int:nomination_id>")
def detail(nomination_id: int):
    nomination = _load(nomination_id)
    return render_template(
        "vetting/detail.html",
        nomination=nomination,
        problems=nominations.eligibility_problems(nomination),
        duplicates=nominations.duplicates_in_cycle(nomination),
        registry=queries.registry_candidates(nomination, request.args.get("registry", "")),
        can_link=can_link_registry_record(current_user, nomination),
        check_form=CheckForm(),
        note_form=NoteForm(),
        reason_form=ReasonForm(),
    )


@bp.post("/<int:nomination_id>/qualify")
def qualify(nomination_id: int):
    nomination = _load(nomination_id)
    if ReasonForm().validate_on_submit():
        try:
            services.qualify_nomination(nomination, actor=current_user)
        except nominations.NominationRefusedError as error:
            db.session.rollback()
            for _field, message in error.problems:
                flash(str(message), "error")
        except nominations.NominationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Qualified."), "success")
    return redirect(url_for("staff.vetting.detail", nomination_id=nomination_id))


@bp.post("/<int:nomination_id>/<any(return, reject, withdraw):decision>")
def decide(nomination_id: int, decision: str):
    nomination = _load(nomination_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.decide_nomination(
                nomination,
                DECISIONS[decision],
                actor=current_user,
                reason=(form.reason.data or "").strip(),
            )
        except nominations.NominationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Saved: %(state)s.", state=DECISIONS[decision].label), "success")
    return redirect(url_for("staff.vetting.detail", nomination_id=nomination_id))


@bp.post("/<int:nomination_id>/registry")
def link_registry(nomination_id: int):
    """Staff decide which registry record the candidate is (empty: a new record)."""
    nomination = _load(nomination_id)
    if not can_link_registry_record(current_user, nomination):
        abort(403)
    form = RegistryLinkForm()
    back = url_for("staff.vetting.detail", nomination_id=nomination_id) + "#registry"
    if not form.validate_on_submit():
        flash(_("The registry decision was not valid."), "error")
        return redirect(back)
    raw = (form.honoree_id.data or "").strip()
    honoree = db.session.get(Honoree, int(raw)) if raw.isdecimal() else None
    if raw and honoree is None:
        abort(404)
    try:
        services.link_registry_record(nomination, honoree, actor=current_user)
    except nominations.NominationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Registry record decided."), "success")
    return redirect(back)


@bp.post("/<int:nomination_id>/checks")
def add_check(nomination_id: int):
    nomination = _load(nomination_id)
    form = CheckForm()
    if form.validate_on_submit():
        try:
            services.record_check(
                nomination,
                body=ConsultedBody(form.body.data),
                result=ConsultResult(form.result.data),
                note=(form.note.data or "").strip(),
                actor=current_user,
            )
        except nominations.NominationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Checklist updated."), "success")
    else:
        flash(_("The checklist entry was not valid."), "error")
    return redirect(url_for("staff.vetting.detail", nomination_id=nomination_id) + "#checks")


@bp.post("/<int:nomination_id>/notes")
def add_note(nomination_id: int):
    nomination = _load(nomination_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(nomination, body=form.body.data.strip(), actor=current_user)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(_("Write a note of at most 2,000 characters."), "error")
    return redirect(url_for("staff.vetting.detail", nomination_id=nomination_id) + "#notes")


@bp.post("/bulk-qualify")
def bulk_qualify():
    form = BulkQualifyForm()
    if form.validate_on_submit() and form.ids.data:
        chosen = queries.submitted_among(form.ids.data)
        refused = services.bulk_qualify(chosen, actor=current_user)
        db.session.commit()
        done = len(chosen) - len(refused)
        flash(_("%(n)d qualified.", n=done), "success")
        for nomination_id, messages in refused.items():
            flash(
                _(
                    "No. %(id)d not qualified: %(why)s",
                    id=nomination_id,
                    why="; ".join(str(m) for m in messages),
                ),
                "error",
            )
    else:
        flash(_("Tick the submitted nominations to qualify."), "error")
    return redirect(
        local_target(form.back.data, url_for("staff.vetting.queue"), under="/staff/nominations")
    )


@bp.route("/shortlist/<int:cycle_id>", methods=["GET", "POST"])
def shortlist(cycle_id: int):
    """Annual programs: pick candidates from the year's monthly honorees."""
    cycle = db.get_or_404(Cycle, cycle_id)
    pool = queries.year_honorees(cycle)
    form = ShortlistForm()
    if request.method == "POST" and form.validate_on_submit():
        category_id = form.category_id.data
        try:
            if category_id is None or current_user.organisation is None:
                raise nominations.NominationError(_("Choose a category."), "category_id")
            created = services.shortlist_from_year(
                cycle,
                form.honoree_ids.data,
                category_id=category_id,
                organisation=current_user.organisation,
                actor=current_user,
            )
        except nominations.NominationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(n)d candidates shortlisted.", n=len(created)), "success")
            return redirect(url_for("staff.vetting.queue", cycle_id=cycle.id))
    return render_template("vetting/shortlist.html", cycle=cycle, pool=pool, form=form)
