"""Nominator workspace: list, create, edit, submit and withdraw nominations; their files."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from wtforms import SelectChoice

from app.core import uploads
from app.core.files import send_image
from app.core.forms import attach_error
from app.core.guards import require
from app.core.markdown import render_markdown
from app.core.uploads import UPLOAD_ERRORS
from app.extensions import db, limiter
from app.nominations import display, queries, services
from app.nominations.forms import NominationForm, PreviewForm, ReasonForm
from app.nominations.models import Channel, Nomination, PhotoKind
from app.nominations.permissions import (
    can_edit_nomination,
    can_use_workspace,
    can_view_nomination,
    can_withdraw_nomination,
)
from app.nominations.workflow import Actor, NominationState
from app.programs.models import Cycle
from app.registry.models import Gender, HonoreeKind

bp = Blueprint("nominations", __name__)
bp.before_request(require(can_use_workspace))
bp.app_context_processor(display.template_globals)


def upload_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _load(nomination_id: int) -> Nomination:
    nomination = queries.full(nomination_id)
    if nomination is None or not can_view_nomination(current_user, nomination):
        abort(404)  # another organisation's nomination does not exist for this user
    return nomination


def _build_form(cycle: Cycle, nomination: Nomination | None = None) -> NominationForm:
    form = NominationForm(obj=nomination)
    form.category_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(
            str(link.category_id),
            link.category.name_zh if not _english() else link.category.name_en,
        )
        for link in cycle.program.categories
    ]
    for number, slot in enumerate(form.life, start=1):
        slot.form.file.label.text = _("Life photo %(n)d", n=number)
        slot.form.alt.label.text = _("Description of life photo %(n)d", n=number)
    form.location_id.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(str(org_id), label) for org_id, label in queries.place_choices()
    ]
    if nomination is not None:
        form.remove_photos.choices = [SelectChoice(str(p.id), p.alt) for p in nomination.photos]
        form.remove_attachments.choices = [
            SelectChoice(str(a.id), a.filename) for a in nomination.attachments
        ]
        if not form.is_submitted():
            form.members.data = "\n".join(
                f"{m.name}, {m.post}" if m.post else m.name for m in nomination.members
            )
            suggested = nomination.suggested_honoree
            form.suggested_slug.data = suggested.slug if suggested else ""
    return form


def _english() -> bool:
    from flask_babel import get_locale

    return str(get_locale()).startswith("en")


def _candidate(form: NominationForm, nomination: Nomination | None) -> services.CandidateData:
    def keep(field: str, stored: str | None) -> str | None:
        typed = (getattr(form, field).data or "").strip()
        if typed:
            return typed
        from app.privacy import crypto

        return crypto.decrypt(stored) if stored else None

    return services.CandidateData(
        kind=HonoreeKind(form.kind.data),
        category_id=form.category_id.data,
        name=(form.name.data or "").strip(),
        gender=Gender(form.gender.data) if form.gender.data else None,
        birth_date=form.birth_date.data,
        ethnicity=form.ethnicity.data or None,
        political_status=form.political_status.data or None,
        education=form.education.data or None,
        unit=form.unit.data or None,
        post=form.post.data or None,
        school=form.school.data or None,
        grade=form.grade.data or None,
        location_id=form.location_id.data,
        address=keep("address", nomination.address_enc if nomination else None),
        phone=keep("phone", nomination.phone_enc if nomination else None),
        id_number=keep("id_number", nomination.id_number_enc if nomination else None),
        suggested_slug=(form.suggested_slug.data or "").strip() or None,
        members=form.parsed_members(),
        recommender_name=form.recommender_name.data or None,
        headline=(form.headline.data or "").strip(),
        summary=(form.summary.data or "").strip(),
        story_md=form.story_md.data or "",
        unit_opinion=(form.unit_opinion.data or "").strip(),
        consent_given=bool(form.consent_given.data),
        consent_collected_by=form.consent_collected_by.data or None,
        consent_date=form.consent_date.data,
        guardian_consent=bool(form.guardian_consent.data),
        guardian_name=form.guardian_name.data or None,
    )


def _read_uploads(form: NominationForm) -> dict | None:
    """Read and verify every uploaded file first, so nothing is stored when one is bad."""
    config = current_app.config
    files = {"id_photo": None, "life": [], "attachments": []}
    ok = True
    pixels = uploads.PixelBudget(uploads.MAX_PIXELS_PER_REQUEST)

    def read(storage, limit, field, check_image):
        nonlocal ok
        try:
            data = uploads.read_limited(storage.stream, limit)
            if check_image:
                pixels.take(data)
                uploads.open_image(data)
            elif not data.startswith(b"%PDF-"):
                try:
                    pixels.take(data)
                    uploads.open_image(data)
                except uploads.UploadError as error:
                    if error.code == "too_many_pixels":
                        raise
                    raise uploads.UploadError("not_allowed") from error
            return data
        except uploads.UploadError as error:
            message = str(UPLOAD_ERRORS[error.code])
            if message not in field.errors:
                field.errors = [*field.errors, message]
            ok = False
            return None

    if getattr(form.id_photo.data, "filename", None):
        data = read(form.id_photo.data, config["UPLOAD_MAX_PHOTO_BYTES"], form.id_photo, True)
        files["id_photo"] = (data, (form.id_photo_alt.data or "").strip()) if data else None
    for slot in form.life:
        storage = slot.form.file.data
        if getattr(storage, "filename", None):
            data = read(storage, config["UPLOAD_MAX_PHOTO_BYTES"], slot.form.file, True)
            if data:
                files["life"].append((data, (slot.form.alt.data or "").strip()))
    sent = [s for s in form.attachments.data or [] if getattr(s, "filename", None)]
    if len(sent) > uploads.MAX_ATTACHMENTS_PER_REQUEST:
        message = _("At most %(n)d attachments at a time.", n=uploads.MAX_ATTACHMENTS_PER_REQUEST)
        form.attachments.errors = [*form.attachments.errors, message]
        return None  # none of them is read
    for storage in sent:
        data = read(storage, config["UPLOAD_MAX_ATTACHMENT_BYTES"], form.attachments, False)
        if data:
            files["attachments"].append((data, storage.filename))
    return files if ok else None


def _apply_files(nomination: Nomination, form: NominationForm, files: dict) -> None:
    root = upload_root()
    remove_photos = set(form.remove_photos.data or [])
    for photo in [p for p in nomination.photos if p.id in remove_photos]:
        services.remove_photo(nomination, photo, root=root)
    remove_atts = set(form.remove_attachments.data or [])
    for attachment in [a for a in nomination.attachments if a.id in remove_atts]:
        services.remove_attachment(nomination, attachment, root=root)
    services.check_attachment_room(nomination, len(files["attachments"]))
    if files["id_photo"]:
        data, alt = files["id_photo"]
        services.add_photo(nomination, data=data, kind=PhotoKind.ID_PHOTO, alt=alt, root=root)
    for data, alt in files["life"]:
        services.add_photo(nomination, data=data, kind=PhotoKind.LIFE, alt=alt, root=root)
    for data, filename in files["attachments"]:
        services.add_attachment(nomination, data=data, filename=filename, root=root)


def _forget_sensitive(form: NominationForm) -> None:
    """Never echo an ID number, phone or address back into the page."""
    for name in ("id_number", "phone", "address"):
        getattr(form, name).data = ""


def _save(form: NominationForm, cycle: Cycle, nomination: Nomination | None):
    """Shared POST handling for new and edit; returns a response or None to re-render."""
    if not form.validate():
        return None
    files = _read_uploads(form)
    if files is None:
        return None
    data = _candidate(form, nomination)
    try:
        if nomination is None:
            nomination = services.create_nomination(
                cycle=cycle,
                organisation=current_user.organisation,
                channel=Channel(form.channel.data),
                data=data,
                actor=current_user,
            )
        else:
            nomination.channel = Channel(form.channel.data)
            services.save_draft(nomination, data, actor=current_user)
        _apply_files(nomination, form, files)
    except services.NominationError as error:
        db.session.rollback()
        attach_error(form, error.field, error.message)
        return None
    except services.NominationRefusedError as error:
        db.session.rollback()
        for field, message in error.problems:
            attach_error(form, field, message)
        return None
    if not form.submitting():
        db.session.commit()
        flash(_("Saved as a draft."), "success")
        return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    try:
        services.submit_nomination(nomination, actor=current_user)
    except (services.NominationRefusedError, services.NominationError) as error:
        db.session.commit()  # the typed data is kept as a draft even when submission fails
        problems = getattr(error, "problems", [(None, getattr(error, "message", error))])
        for field, message in problems:
            attach_error(form, field, message)
        form.form_errors.insert(0, _("Saved as a draft, but not submitted yet."))
        return _render_form(form, nomination.cycle, queries.full(nomination.id))
    db.session.commit()
    flash(_("Submitted. The secretariat will review it."), "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination.id))


def _render_form(form: NominationForm, cycle: Cycle, nomination: Nomination | None):
    if nomination is not None:
        form.remove_photos.choices = [SelectChoice(str(p.id), p.alt) for p in nomination.photos]
        form.remove_attachments.choices = [
            SelectChoice(str(a.id), a.filename) for a in nomination.attachments
        ]
        form.remove_photos.data, form.remove_attachments.data = [], []
    _forget_sensitive(form)
    shown = display.masked(nomination) if nomination is not None else None
    return render_template(
        "nominations/form.html",
        form=form,
        cycle=cycle,
        nomination=nomination,
        masked_id=shown.id_number if shown else "",
        masked_phone=shown.phone if shown else "",
    )


@bp.get("/")
def index():
    if current_user.organisation_id is None:
        return redirect(url_for("staff.vetting.queue"))
    return render_template(
        "nominations/list.html",
        nominations=queries.for_organisation(current_user.organisation_id),
        open_cycles=services.open_cycles(),
    )


@bp.get("/new")
def choose_cycle():
    return render_template("nominations/choose_cycle.html", cycles=services.open_cycles())


@bp.route("/new/<int:cycle_id>", methods=["GET", "POST"])
def new(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    if current_user.organisation_id is None:
        abort(403)
    if cycle not in services.open_cycles():
        flash(_("This cycle is not taking nominations."), "error")
        return redirect(url_for("nominations.choose_cycle"))
    form = _build_form(cycle)
    if request.method == "POST":
        response = _save(form, cycle, None)
        if response is not None:
            return response
    return _render_form(form, cycle, None)


@bp.get("/<int:nomination_id>")
def detail(nomination_id: int):
    nomination = _load(nomination_id)
    return render_template(
        "nominations/detail.html",
        nomination=nomination,
        can_edit=can_edit_nomination(current_user, nomination),
        can_withdraw=can_withdraw_nomination(current_user, nomination),
        withdraw_form=ReasonForm(),
    )


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
def edit(nomination_id: int):
    nomination = _load(nomination_id)
    if not can_edit_nomination(current_user, nomination):
        abort(403)
    form = _build_form(nomination.cycle, nomination)
    if request.method == "POST":
        response = _save(form, nomination.cycle, nomination)
        if response is not None:
            return response
    return _render_form(form, nomination.cycle, nomination)


@bp.post("/<int:nomination_id>/withdraw")
def withdraw(nomination_id: int):
    nomination = _load(nomination_id)
    if not can_withdraw_nomination(current_user, nomination):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.transition_nomination(
                nomination,
                NominationState.WITHDRAWN,
                actor=current_user,
                actor_kind=Actor.NOMINATOR,
                reason=(form.reason.data or "").strip(),
            )
        except services.NominationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The nomination was withdrawn."), "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination_id))


def _preview_key() -> str:
    """Throttle previews per account (many nominators may share an office's address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return get_remote_address()


@bp.post("/preview")
@limiter.limit("20 per minute;300 per hour", key_func=_preview_key)
def preview():
    """Server-side Markdown preview through the one sanitizing filter; the text is bounded
    like the story itself (STORY_MAX) and rendering is linear in it (app.core.markdown)."""
    form = PreviewForm()
    if not form.validate_on_submit():
        errors = form.text.errors or [e for field in form.errors.values() for e in field]
        return jsonify(error=str(errors[0]) if errors else "invalid"), 400
    return jsonify(html=str(render_markdown(form.text.data)))


@bp.get("/registry-search")
def registry_search():
    """Suggestions for the "same person as" hint: what the public roll shows, no more."""
    results = queries.search_registry(request.args.get("q", ""))
    return jsonify(
        results=[
            {
                "slug": h.slug,
                "name": h.name,
                "kind": h.kind.value,
                "district": h.district.name if h.district else None,
                "unit": h.unit,
            }
            for h in results
        ]
    )


def _file_response(relative: str, mimetype: str, download: str | None = None):
    path = upload_root() / relative
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=download is not None,
        download_name=download,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:nomination_id>/photos/<int:photo_id>")
def photo(nomination_id: int, photo_id: int):
    nomination = _load(nomination_id)
    match = next((p for p in nomination.photos if p.id == photo_id), None)
    if match is None:
        abort(404)
    relative = match.thumb_path if request.args.get("size") == "thumb" else match.path
    return send_image(upload_root() / relative, max_age=0, private=True)


@bp.get("/<int:nomination_id>/attachments/<int:attachment_id>")
def attachment(nomination_id: int, attachment_id: int):
    nomination = _load(nomination_id)
    match = next((a for a in nomination.attachments if a.id == attachment_id), None)
    if match is None:
        abort(404)
    return _file_response(match.path, match.content_type, match.filename)
