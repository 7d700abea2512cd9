"""Public: transparency page per published cycle, the honoree page (410 when taken down).
Staff: publish a cycle (now or scheduled), revoke an honor, record a consent withdrawal
(corrections and merges of a record are app/registry/views.py)."""

from __future__ import annotations

import io
from pathlib import Path

import segno
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
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from app.accounts.permissions import can_use_staff_area
from app.committee import services as committee
from app.committee.models import Runoff
from app.core.cache import public_page
from app.core.files import send_image
from app.core.forms import EmptyForm
from app.core.guards import require
from app.core.urls import public_url_for
from app.db_types import utcnow
from app.extensions import db
from app.honors import services
from app.honors.forms import PublishForm
from app.honors.queries import public_honoree_or_abort
from app.nominations.models import Nomination
from app.notice.models import Objection, ObjectionStatus
from app.programs.models import Cycle, Program
from app.programs.rules import cycle_rules
from app.programs.workflow import CyclePhase, TransitionError
from app.registry import services as registry
from app.registry.forms import FIELD_LABELS
from app.registry.models import Honor, Honoree, HonorStatus
from app.registry.queries import merged_into, public_honor_filter
from app.review.services import counts as like_counts

bp = Blueprint("honors", __name__)
admin_bp = Blueprint("honors_admin", __name__)
admin_bp.before_request(require(can_use_staff_area))


@bp.get("/cycles/<program_code>/<period>")
@public_page
def transparency(program_code: str, period: str):
    cycle = db.session.scalar(
        sa.select(Cycle)
        .join(Program)
        .where(Program.code == program_code[:40], Cycle.period == period[:20])
    )
    now = utcnow()
    if (
        cycle is None
        or cycle.state not in (CyclePhase.PUBLISHED, CyclePhase.CLOSED)
        or (cycle.published_at is None or cycle.published_at > now)
    ):
        abort(404)
    honors = (
        db.session.scalars(
            sa.select(Honor)
            .join(Honor.honoree)
            .options(
                joinedload(Honor.honoree).joinedload(Honoree.district), joinedload(Honor.category)
            )
            .where(Honor.cycle_id == cycle.id, public_honor_filter())
            .order_by(Honor.category_id, Honor.id)
        )
        .unique()
        .all()
    )
    main = committee.final_result(cycle)  # computed when the vote closed
    runoffs = db.session.scalars(
        sa.select(Runoff).where(Runoff.cycle_id == cycle.id).order_by(Runoff.round)
    ).all()
    objections = dict(
        db.session.execute(
            sa.select(Objection.status, sa.func.count())
            .where(Objection.cycle_id == cycle.id)
            .group_by(Objection.status)
        )
        .tuples()
        .all()
    )
    likes = like_counts(cycle.id)
    # Likes were given to nominations: map each honoree of the cycle to its nomination once.
    nomination_of = dict(
        db.session.execute(
            sa.select(Nomination.honoree_id, Nomination.id).where(
                Nomination.cycle_id == cycle.id, Nomination.honoree_id.is_not(None)
            )
        )
        .tuples()
        .all()
    )
    honoree_of = {nomination: honoree for honoree, nomination in nomination_of.items()}
    names = {honor.honoree_id: honor.honoree.name for honor in honors}
    return render_template(
        "honors/transparency.html",
        cycle=cycle,
        rules=cycle_rules(cycle),
        honors=honors,
        main=main,
        # Vote totals per candidate, named only for the honorees published on this page.
        candidate_name=lambda nomination_id: names.get(honoree_of.get(nomination_id)),
        runoffs=runoffs,
        recusals=len(committee.recusals(cycle)),
        likes=likes,
        total_likes=sum(likes.values()),
        objections_received=sum(objections.values()),
        objections_upheld=objections.get(ObjectionStatus.UPHELD, 0),
        likes_for=lambda honor: likes.get(nomination_of.get(honor.honoree_id), 0),
    )


@bp.get("/honorees/<slug>")
@public_page
def honoree(slug: str):
    record, honors = public_honoree_or_abort(slug, redirect_endpoint="honors.honoree")
    url = public_url_for("honors.honoree", slug=record.slug)
    minor = record.is_minor
    image = (
        public_url_for("honors.photo", slug=record.slug)
        if record.photo_path and not minor
        else None
    )
    qr_svg = segno.make(url, error="m").svg_inline(scale=3, dark="#231c18")
    return render_template(
        "honors/honoree.html",
        honoree=record,
        honors=honors,
        url=url,
        minor=minor,
        qr=Markup(qr_svg),  # noqa: S704  # nosec B704 # SVG made here from our own URL
        json_ld=services.json_ld(record, honors, url, image),
    )


def _redirect_if_merged(slug: str, endpoint: str, only_to: int | None = None, **values) -> None:
    """Called when `slug` found nothing: the old slug of a record merged into another
    answers 301 with the same page of the record kept (`only_to`: when it is that one)."""
    target = merged_into(slug)
    if target is not None and (only_to is None or target.id == only_to):
        abort(redirect(url_for(endpoint, slug=target.slug, **values), code=301))


@bp.get("/honorees/<slug>/photo")
def photo(slug: str):
    record = db.session.scalar(sa.select(Honoree).where(Honoree.slug == slug[:80]))
    if record is None:
        size = {"size": request.args["size"]} if "size" in request.args else {}
        _redirect_if_merged(slug, "honors.photo", **size)
    if record is None or not record.photo_path or record.is_minor:
        abort(404)
    if not record.is_public:
        abort(410 if record.was_public else 404)
    thumb = request.args.get("size") == "thumb" and record.photo_thumb_path
    path = Path(current_app.instance_path) / "uploads" / (thumb or record.photo_path)
    return send_image(path, max_age=3600)


@admin_bp.route("/cycles/<int:cycle_id>/publish", methods=["GET", "POST"])
def publish(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = PublishForm()
    error = None
    if form.validate_on_submit():
        release_at = form.release_at.data
        try:
            honors = services.publish_cycle(cycle, actor=current_user, release_at=release_at)
        except (TransitionError, services.PublicationError) as problem:
            db.session.rollback()
            error = str(getattr(problem, "message", problem))
        else:
            db.session.commit()
            flash(_("%(n)d honors published.", n=len(honors)), "success")
            return redirect(url_for("staff.cycle", cycle_id=cycle.id))
    elif form.release_at.errors:
        error = str(form.release_at.errors[0])
    return render_template("honors/publish.html", cycle=cycle, error=error, form=form)


@admin_bp.route("/honorees/<int:honoree_id>", methods=["GET", "POST"])
def manage_honoree(honoree_id: int):
    record = db.get_or_404(Honoree, honoree_id)
    if request.method == "POST" and EmptyForm().validate_on_submit():
        reason = request.form.get("reason", "")[:2000]
        try:
            if request.form.get("action") == "withdraw_consent":
                services.withdraw_consent(record, reason=reason, actor=current_user)
            else:
                raw = request.form.get("honor_id", "")
                ok = raw.isdecimal() and len(raw) < 10
                honor = db.session.get(Honor, int(raw)) if ok else None
                if honor is None or honor.honoree_id != record.id:
                    abort(404)
                services.revoke_honor(honor, reason=reason, actor=current_user)
        except services.PublicationError as problem:
            db.session.rollback()
            flash(str(problem.message), "error")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
        return redirect(url_for("honors_admin.manage_honoree", honoree_id=record.id))
    return render_template(
        "honors/manage.html",
        honoree=record,
        form=EmptyForm(),
        corrections=registry.correction_log(record),
        field_labels=FIELD_LABELS,
    )


def _certificate_response(honor: Honor):
    from app.honors import certificates

    url = public_url_for("honors.honoree", slug=honor.honoree.slug)
    response = send_file(
        io.BytesIO(certificates.render(honor, url)),
        mimetype="application/pdf",
        download_name=f"{certificates.certificate_number(honor)}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/honorees/<slug>/certificates/<int:honor_id>.pdf")
def certificate(slug: str, honor_id: int):
    """Public download for a published, visible honor."""
    honor = db.session.get(Honor, honor_id)
    if honor is not None and honor.honoree.slug != slug[:80]:
        _redirect_if_merged(slug, "honors.certificate", honor_id=honor_id, only_to=honor.honoree_id)
    if honor is None or honor.honoree.slug != slug[:80]:
        abort(404)
    released = honor.is_released
    if not (released and honor.honoree.is_public):
        # Taken down (revoked, or consent withdrawn after release): 410; never shown: 404.
        gone = honor.status is HonorStatus.REVOKED or (released and honor.honoree.consent_withdrawn)
        abort(410 if gone else 404)
    return _certificate_response(honor)


@admin_bp.get("/honors/<int:honor_id>/certificate.pdf")
def staff_certificate(honor_id: int):
    """Staff may print the certificate of any honor (e.g. before the release time)."""
    honor = db.get_or_404(Honor, honor_id)
    if honor.status is HonorStatus.REVOKED:
        abort(410)
    return _certificate_response(honor)
