"""Public publication pages: the transparency page per published cycle, the honoree page
(410 when taken down), its photo and certificates."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import segno
import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from markupsafe import Markup

from app.core.cache import public_page
from app.core.files import send_image
from app.core.urls import public_url_for
from app.db_types import utcnow
from app.extensions import db
from app.honors import queries, services
from app.honors.permissions import can_view_transparency
from app.honors.queries import public_honoree_or_abort
from app.programs.rules import cycle_rules
from app.registry.models import Honor, Honoree, HonorStatus
from app.registry.queries import merged_into

bp = Blueprint("honors", __name__)


@bp.get("/cycles/<program_code>/<period>")
@public_page
def transparency(program_code: str, period: str):
    cycle = queries.cycle_by_period(program_code, period)
    if not can_view_transparency(cycle, utcnow()):
        abort(404)
    report = queries.transparency_report(cycle)
    return render_template(
        "honors/transparency.html",
        cycle=cycle,
        rules=cycle_rules(cycle),
        honors=report.honors,
        main=report.main,
        candidate_name=report.candidate_name,
        runoffs=report.runoffs,
        recusals=report.recusals,
        likes=report.likes,
        total_likes=report.total_likes,
        objections_received=report.objections_received,
        objections_upheld=report.objections_upheld,
        likes_for=report.likes_for,
    )


@lru_cache(maxsize=2048)
def qr_svg(url: str) -> str:
    """The page's QR code as inline SVG. It depends on the URL alone, so it is drawn once
    per URL and process (segno took a third of an uncached honoree page's render)."""
    return segno.make(url, error="m").svg_inline(scale=3, dark="#231c18")


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
    return render_template(
        "honors/honoree.html",
        honoree=record,
        honors=honors,
        url=url,
        minor=minor,
        qr=Markup(qr_svg(url)),  # noqa: S704  # nosec B704 # SVG made here from our own URL
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


def certificate_response(honor: Honor):
    """The PDF certificate of `honor`, never cached (public and staff downloads)."""
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
    return certificate_response(honor)
