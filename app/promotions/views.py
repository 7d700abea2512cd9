"""Staff: the promotion board, upward recommendations, outcomes, external honors."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.core.clock import local_today
from app.core.forms import BaseForm, attach_error, optional_int
from app.core.labels import choices
from app.extensions import db
from app.honors.queries import headline_figures
from app.programs.models import Program
from app.programs.queries import all_categories
from app.promotions import queries, services
from app.promotions.models import Promotion, PromotionStatus
from app.registry.models import AwardKind, Honoree

bp = Blueprint("promotions", __name__)


# The outcomes staff can record (a promotion is pending until one is).
OUTCOMES = (
    PromotionStatus.SELECTED,
    PromotionStatus.NOMINATION_AWARD,
    PromotionStatus.NOT_SELECTED,
)


class RecommendForm(BaseForm):
    program_id = SelectField(_l("Recommend to"), coerce=int)
    batch_label = StringField(_l("Batch"), validators=[DataRequired(), Length(max=40)])
    recommended_on = DateField(_l("Date"), validators=[DataRequired()], default=local_today)
    category_id = SelectField(_l("Category"), coerce=optional_int, validators=[Optional()])


class OutcomeForm(BaseForm):
    status = SelectField(_l("Outcome"), choices=choices(OUTCOMES))
    outcome_period = StringField(
        _l("Period label (e.g. 2026年第三季度)"), validators=[Optional(), Length(max=30)]
    )
    outcome_start = DateField(_l("Period start"), validators=[Optional()])
    outcome_end = DateField(_l("Period end"), validators=[Optional()])


class ExternalHonorForm(BaseForm):
    slug = StringField(
        _l("Registry number of the honoree"), validators=[DataRequired(), Length(max=80)]
    )
    program_id = SelectField(_l("List"), coerce=int)
    award = SelectField(
        _l("Award"),
        choices=[
            SelectChoice("honoree", _l("Honoree")),
            SelectChoice("nomination_award", _l("Nomination award")),
        ],
    )
    period = StringField(_l("Period label"), validators=[DataRequired(), Length(max=30)])
    start = DateField(_l("Period start"), validators=[DataRequired()])
    end = DateField(_l("Period end"), validators=[DataRequired()])
    category_id = SelectField(_l("Category"), coerce=optional_int, validators=[Optional()])


def _choices(form) -> None:
    form.program_id.choices = [
        SelectChoice(str(p.id), p.name_zh) for p in queries.external_programs()
    ]
    form.category_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(c.id), c.name_zh) for c in all_categories()
    ]


@bp.get("/promotions/")
def board():
    return render_template(
        "promotions/board.html",
        board=queries.board(),
        pending=queries.pending_promotions(),
        figures=headline_figures(),
        outcome_form=OutcomeForm(),
        outcomes=OUTCOMES,
    )


@bp.route("/honorees/<int:honoree_id>/promote", methods=["GET", "POST"])
def recommend(honoree_id: int):
    honoree = db.get_or_404(Honoree, honoree_id)
    form = RecommendForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            services.recommend(
                honoree,
                db.session.get(Program, form.program_id.data),
                batch_label=form.batch_label.data,
                recommended_on=form.recommended_on.data,
                category_id=form.category_id.data,
                actor=current_user,
            )
        except services.PromotionError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("Recommendation recorded."), "success")
            return redirect(url_for("staff.promotions.board"))
    return render_template("promotions/recommend.html", honoree=honoree, form=form)


@bp.post("/promotions/<int:promotion_id>/outcome")
def outcome(promotion_id: int):
    promotion = db.get_or_404(Promotion, promotion_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(
                promotion,
                PromotionStatus(form.status.data),
                period=form.outcome_period.data,
                start=form.outcome_start.data,
                end=form.outcome_end.data,
                actor=current_user,
            )
        except services.PromotionError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Outcome recorded."), "success")
    else:
        flash(_("Check the outcome form: dates as YYYY-MM-DD."), "error")
    return redirect(url_for("staff.promotions.board"))


@bp.route("/external-honors/new", methods=["GET", "POST"])
def external_honor():
    form = ExternalHonorForm()
    _choices(form)
    if form.validate_on_submit():
        honoree = queries.honoree_by_slug(form.slug.data.strip())
        try:
            if honoree is None:
                raise services.PromotionError(_l("No registry record has this number."), "slug")
            services.record_external_honor(
                honoree,
                db.session.get(Program, form.program_id.data),
                award=AwardKind(form.award.data),
                period=form.period.data,
                start=form.start.data,
                end=form.end.data,
                category_id=form.category_id.data,
                actor=current_user,
            )
        except services.PromotionError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            flash(_("External honor recorded."), "success")
            return redirect(url_for("staff.promotions.board"))
    return render_template(
        "promotions/external.html", form=form, typed_slug=request.args.get("slug", "")
    )
