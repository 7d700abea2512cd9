"""/staff/objections for the staff: the queue, resolving an objection, its evidence."""

from __future__ import annotations

from pathlib import Path

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
from flask_login import current_user

from app.core.forms import attach_error
from app.extensions import db
from app.notice import queries, services
from app.notice.forms import ResolveForm
from app.notice.models import Objection, ObjectionStatus
from app.privacy import crypto, id_numbers

bp = Blueprint("objections", __name__)


@bp.get("/objections/")
def queue():
    status = request.args.get("status", "open")
    chosen = ObjectionStatus(status) if status in {s.value for s in ObjectionStatus} else None
    return render_template(
        "notice/queue.html", objections=queries.objection_queue(chosen), status=status
    )


@bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
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
            return redirect(url_for("staff.objections.queue"))
    contact = (
        id_numbers.mask_phone(crypto.decrypt(objection.contact_enc))
        if objection.contact_enc
        else ""
    )
    return render_template("notice/detail.html", objection=objection, form=form, contact=contact)


@bp.get("/objections/<int:objection_id>/evidence")
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
