"""/staff/recommendations for the staff: the queue, forwarding as a nomination, declining."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.core.forms import attach_error
from app.extensions import db
from app.nominations import services as nomination_services
from app.nominations.models import PublicRecommendation, RecommendationStatus
from app.orgs import queries as org_queries
from app.orgs.models import Organisation
from app.programs.models import Category, Cycle
from app.programs.periods import period_label
from app.programs.queries import all_categories
from app.recommendations import queries, services
from app.recommendations.forms import AcceptForm, RejectForm

bp = Blueprint("recommendations", __name__)


@bp.get("/")
def queue():
    status = request.args.get("status", "")
    chosen = (  # ?status=pending from the dashboard
        RecommendationStatus(status) if status in {s.value for s in RecommendationStatus} else None
    )
    return render_template(
        "recommendations/queue.html", recommendations=queries.recommendation_queue(chosen)
    )


def _accept_form() -> AcceptForm:
    form = AcceptForm()
    cycles = nomination_services.open_cycles()
    form.cycle_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(str(c.id), f"{c.program.name_zh} {period_label(c.period)}") for c in cycles
    ]
    form.category_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(str(c.id), c.name_zh) for c in all_categories()
    ]
    form.organisation_id.choices = org_queries.organisation_choices(_("— choose —"))
    return form


@bp.route("/<int:recommendation_id>", methods=["GET", "POST"])
def detail(recommendation_id: int):
    recommendation = db.get_or_404(PublicRecommendation, recommendation_id)
    accept_form, reject_form = _accept_form(), RejectForm()
    if accept_form.validate_on_submit():
        cycle = db.session.get(Cycle, accept_form.cycle_id.data)
        category = db.session.get(Category, accept_form.category_id.data)
        organisation = db.session.get(Organisation, accept_form.organisation_id.data)
        try:
            if cycle is None or category is None or organisation is None:
                raise services.RecommendationError(_("Choose a cycle, category and organisation."))
            nomination = services.accept_recommendation(
                recommendation,
                cycle=cycle,
                category=category,
                organisation=organisation,
                actor=current_user,
            )
        except services.RecommendationError as error:
            db.session.rollback()
            attach_error(accept_form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("Forwarded as draft nomination No. %(id)d.", id=nomination.id), "success")
            return redirect(url_for("staff.recommendations.queue"))
    return render_template(
        "recommendations/detail.html",
        recommendation=recommendation,
        accept_form=accept_form,
        reject_form=reject_form,
    )


@bp.post("/<int:recommendation_id>/reject")
def reject(recommendation_id: int):
    recommendation = db.get_or_404(PublicRecommendation, recommendation_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_recommendation(
                recommendation, reason=form.reason.data, actor=current_user
            )
        except services.RecommendationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Recommendation declined."), "success")
            return redirect(url_for("staff.recommendations.queue"))
    else:
        flash(_("Give a reason."), "error")
    return redirect(url_for("staff.recommendations.detail", recommendation_id=recommendation_id))
