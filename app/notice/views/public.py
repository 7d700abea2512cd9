"""/notice (公示 and objections) for the public; /staff/objections for their handling."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.accounts.permissions import can_use_staff_area
from app.core import uploads
from app.core.forms import BaseForm, attach_error
from app.core.guards import require
from app.extensions import db, limiter
from app.nominations.models import Nomination
from app.notice import services
from app.notice.models import Objection, ObjectionStatus
from app.privacy import crypto, id_numbers
from app.programs.periods import period_label

bp = Blueprint("notice", __name__)
admin_bp = Blueprint("objections", __name__)
admin_bp.before_request(require(can_use_staff_area))


class ObjectionForm(BaseForm):
    nomination_id = SelectField(_l("Candidate"), coerce=int, validate_choice=True)
    content = TextAreaField(
        _l("Your objection"), validators=[DataRequired(), Length(min=10, max=5000)]
    )
    evidence = FileField(_l("Evidence (PDF or image, optional)"))
    contact = StringField(
        _l("How to reach you (optional, kept private)"), validators=[Optional(), Length(max=100)]
    )


class ResolveForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("dismiss", _l("Dismiss")), SelectChoice("uphold", _l("Uphold"))],
        validators=[DataRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    promote = BooleanField(_l("Promote the next-ranked candidate above the threshold"))


@bp.get("/notice")
def index():
    cycles = [
        (cycle, services.in_notice(cycle), services.notice_extensions(cycle))
        for cycle in services.notice_cycles()
    ]
    return render_template("notice/index.html", cycles=cycles, end=services.notice_end)


def _objection_form() -> ObjectionForm:
    form = ObjectionForm()
    choices = []
    for cycle in services.notice_cycles():
        for nomination in services.in_notice(cycle):
            choices.append(
                SelectChoice(
                    str(nomination.id),
                    f"{nomination.name} · {cycle.program.name_zh} {period_label(cycle.period)}",
                )
            )
    form.nomination_id.choices = choices
    return form


@bp.route("/notice/objection", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"])
def objection():
    form = _objection_form()
    candidate = request.args.get("candidate", "")
    if request.method == "GET" and candidate.isdecimal() and len(candidate) < 10:
        form.nomination_id.data = int(candidate)
    if form.validate_on_submit():
        nomination = db.session.get(Nomination, form.nomination_id.data)
        evidence = None
        storage = form.evidence.data
        try:
            if getattr(storage, "filename", None):
                data = uploads.read_limited(
                    storage.stream, current_app.config["UPLOAD_MAX_ATTACHMENT_BYTES"]
                )
                evidence = (data, storage.filename)
            objection = services.file_objection(
                nomination,
                content=form.content.data,
                contact=form.contact.data or None,
                evidence=evidence,
                root=Path(current_app.instance_path) / "uploads",
            )
        except uploads.UploadError:
            db.session.rollback()
            form.evidence.errors = [*form.evidence.errors, _("The file is too large or empty.")]
        except services.NoticeError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            return render_template("notice/thanks.html", reference=objection.reference)
    form.contact.data = ""  # contact details are never echoed back
    return render_template("notice/objection.html", form=form)


@admin_bp.get("/objections/")
def queue():
    status = request.args.get("status", "open")
    stmt = sa.select(Objection).order_by(Objection.created_at.desc()).limit(300)
    if status in {s.value for s in ObjectionStatus}:
        stmt = stmt.where(Objection.status == ObjectionStatus(status))
    return render_template(
        "notice/queue.html", objections=db.session.scalars(stmt).all(), status=status
    )


@admin_bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
def detail(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            promoted = services.resolve_objection(
                objection,
                upheld=form.decision.data == "uphold",
                reason=form.reason.data,
                promote=bool(form.promote.data),
                actor=current_user,
            )
        except services.NoticeError as error:
            db.session.rollback()
            attach_error(form, error.field, error.message)
        else:
            db.session.commit()
            if promoted is not None:
                flash(
                    _(
                        "Upheld. %(name)s is promoted and starts a notice period.",
                        name=promoted.name,
                    ),
                    "success",
                )
            else:
                flash(_("Objection resolved."), "success")
            return redirect(url_for("objections.queue"))
    contact = (
        id_numbers.mask_phone(crypto.decrypt(objection.contact_enc))
        if objection.contact_enc
        else ""
    )
    return render_template("notice/detail.html", objection=objection, form=form, contact=contact)


@admin_bp.get("/objections/<int:objection_id>/evidence")
def evidence(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    if not objection.evidence_path:
        abort(404)
    path = Path(current_app.instance_path) / "uploads" / objection.evidence_path
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=objection.evidence_type,
        as_attachment=True,
        download_name=f"{objection.reference}{path.suffix}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
