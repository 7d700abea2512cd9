"""Staff registry pages: find a record, correct its public fields, merge two records."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.core import uploads
from app.core.forms import attach_error
from app.db_types import like_pattern
from app.extensions import db
from app.orgs import queries as org_queries
from app.privacy import crypto
from app.privacy.id_numbers import mask_id_number, mask_phone
from app.registry import services
from app.registry.forms import CorrectionForm, MergeForm
from app.registry.models import Honoree

bp = Blueprint("registry", __name__)


def _upload_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _read_photo(form: CorrectionForm) -> tuple[bool, bytes | None]:
    """The new photo, verified (ok=False with the error next to the field when bad)."""
    storage = form.photo.data
    if not getattr(storage, "filename", None):
        return True, None
    try:
        data = uploads.read_limited(storage.stream, current_app.config["UPLOAD_MAX_PHOTO_BYTES"])
        uploads.open_image(data)
    except uploads.UploadError as error:
        form.photo.errors = [*form.photo.errors, str(uploads.UPLOAD_ERRORS[error.code])]
        return False, None
    return True, data


@bp.route("/honorees/<int:honoree_id>/correct", methods=["GET", "POST"])
def correct_honoree(honoree_id: int):
    """Correct a record's public fields; each change is logged with the reason."""
    record = db.get_or_404(Honoree, honoree_id)
    form = CorrectionForm() if request.method == "POST" else CorrectionForm(obj=record)
    places = org_queries.organisation_choices(_("— none —"))
    form.organisation_id.choices = places
    form.district_id.choices = [places[0]] + [
        SelectChoice(str(d.id), d.name) for d in org_queries.districts()
    ]
    if form.validate_on_submit():
        ok, photo = _read_photo(form)
        if ok:
            fields = services.TEXT_FIELDS + services.PLACE_FIELDS
            try:
                done = services.correct_honoree(
                    record,
                    changes={name: getattr(form, name).data for name in fields},
                    reason=form.reason.data,
                    actor=current_user,
                    photo=photo,
                    upload_root=_upload_root(),
                )
            except services.CorrectionError as error:
                db.session.rollback()
                attach_error(form, error.field, error.message)
            else:
                db.session.commit()
                flash(_("%(n)d fields corrected.", n=len(done)), "success")
                return redirect(url_for("staff.honors_admin.manage_honoree", honoree_id=record.id))
    return render_template("registry/correct.html", honoree=record, form=form)


def _masked(record: Honoree) -> dict[str, str]:
    return {
        "id_number": mask_id_number(crypto.decrypt(record.id_number_enc)),
        "phone": mask_phone(crypto.decrypt(record.phone_enc)),
    }


def _find_record(term: str) -> Honoree | None:
    """A record by its registry number (slug), or by id."""
    term = term.strip()[:80]
    if not term:
        return None
    record = db.session.scalar(sa.select(Honoree).where(Honoree.slug == term))
    if record is None and term.isdecimal() and len(term) < 10:
        record = db.session.get(Honoree, int(term))
    return record


@bp.get("/honorees/<int:honoree_id>/merge")
def merge_preview(honoree_id: int):
    """Preview of merging another record (`?source=` slug) into this one."""
    target = db.get_or_404(Honoree, honoree_id)
    term = request.args.get("source", "")
    source = _find_record(term)
    plan = services.plan_merge(source, target) if source is not None else None
    return render_template(
        "registry/merge.html",
        target=target,
        source=source,
        term=term.strip()[:80],
        plan=plan,
        masked={r.id: _masked(r) for r in (source, target) if r is not None},
        form=MergeForm(source_id=source.id if source else ""),
    )


@bp.post("/honorees/<int:honoree_id>/merge")
def merge(honoree_id: int):
    target = db.get_or_404(Honoree, honoree_id)
    form = MergeForm()
    raw = form.source_id.data or ""
    if not form.validate_on_submit() or not (raw.isdecimal() and len(raw) < 10):
        flash(_("Choose the record to merge first."), "error")
        return redirect(url_for("staff.registry.merge_preview", honoree_id=target.id))
    source = db.get_or_404(Honoree, int(raw))
    slug = source.slug
    try:
        services.merge_honorees(source, target, actor=current_user)
    except services.CorrectionError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("staff.registry.merge_preview", honoree_id=target.id, source=slug))
    db.session.commit()
    flash(_("Record %(slug)s merged into this one.", slug=slug), "success")
    return redirect(url_for("staff.honors_admin.manage_honoree", honoree_id=target.id))


@bp.get("/honorees/")
def find_honorees():
    """Staff lookup of registry records by name or number."""
    term = (request.args.get("q") or "").strip()[:50]
    rows = []
    if term:
        pattern = like_pattern(term)
        rows = db.session.scalars(
            sa.select(Honoree)
            .where(sa.or_(Honoree.name.like(pattern, escape="\\"), Honoree.slug == term))
            .order_by(Honoree.name)
            .limit(100)
        ).all()
    return render_template("registry/find.html", rows=rows, term=term)
