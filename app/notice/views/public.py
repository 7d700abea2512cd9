"""/notice (公示 and objections) for the public: the notice list and filing an objection."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
)
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.core import uploads
from app.core.forms import attach_error
from app.extensions import db, limiter
from app.nominations.models import Nomination
from app.notice import queries, services
from app.notice.forms import ObjectionForm
from app.programs.periods import period_label

bp = Blueprint("notice", __name__)


@bp.get("/notice")
def index():
    cycles = [
        (cycle, queries.in_notice(cycle), queries.notice_extensions(cycle))
        for cycle in queries.notice_cycles()
    ]
    return render_template("notice/index.html", cycles=cycles, end=queries.notice_end)


def _objection_form() -> ObjectionForm:
    form = ObjectionForm()
    choices = []
    for cycle in queries.notice_cycles():
        for nomination in queries.in_notice(cycle):
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
