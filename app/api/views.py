"""/feed.atom and /api/v1/...: public fields only, revoked and withdrawn honors excluded."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, jsonify, request

from app.api import openapi, queries
from app.api.serializers import honor_json, honoree_json
from app.core.cache import int_in, public_page
from app.core.markdown import render_markdown
from app.core.site import site
from app.core.urls import public_url, public_url_for
from app.db_types import utcnow
from app.honors.queries import headline_figures, public_honoree_or_abort
from app.programs.periods import period_label_zh
from app.registry.models import HonoreeKind
from app.roll.queries import roll_page
from app.roll.views import FILTER_PARAMS, PAGE_PARAMS, _int, filters_from

bp = Blueprint("api", __name__)
FEED_SIZE = 50


@bp.get("/feed.atom")
@public_page
def feed():
    honors = queries.latest_public_honors(FEED_SIZE)
    generator = FeedGenerator()
    generator.id(public_url_for("roll.index"))
    generator.title(f"{site().name_zh} · 最新上榜")
    generator.link(href=public_url_for("api.feed"), rel="self")
    generator.link(href=public_url_for("roll.index"), rel="alternate")
    generator.language("zh-CN")
    if honors:
        generator.updated(honors[0].published_at)
    for honor in reversed(honors):  # feedgen prepends: add oldest first
        entry = generator.add_entry()
        page = public_url_for("honors.honoree", slug=honor.honoree.slug)
        entry.id(f"{page}#honor-{honor.id}")
        entry.title(
            f"{honor.honoree.name}：{honor.program.name_zh} {period_label_zh(honor.period_label)}"
        )
        entry.link(href=page)
        entry.summary(honor.honoree.headline)
        entry.published(honor.published_at)
        entry.updated(honor.published_at)
    if not honors:
        generator.updated(utcnow())
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")


@bp.get("/api/v1/honorees")
@public_page(params=FILTER_PARAMS | PAGE_PARAMS | {"per_page": int_in(1, 100)})
def honorees():
    filters = filters_from(request.args)
    page = _int(request.args.get("page"), low=1, high=10**6) or 1
    per_page = _int(request.args.get("per_page"), low=1, high=100) or 20
    result = roll_page(filters, page, per_page=per_page)
    return jsonify(
        items=[{"honoree": honoree_json(h.honoree), "honor": honor_json(h)} for h in result.items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )


@bp.get("/api/v1/honorees/<slug>")
@public_page
def honoree(slug: str):
    record, honors = public_honoree_or_abort(slug, redirect_endpoint="api.honoree")
    return jsonify(
        honoree=honoree_json(record),
        summary=record.summary,
        story_html=str(render_markdown(record.story_md)),
        members=[{"name": m.name, "post": m.post} for m in record.members],
        honors=[honor_json(h) for h in reversed(honors)],
    )


@bp.get("/api/v1/programs")
@public_page
def programs():
    return jsonify(
        items=[
            {
                "code": p.code,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "level": p.level.value,
                "external": p.external,
                "cadence": p.cadence.value,
                "quota": p.quota,
            }
            for p in queries.programs()
        ]
    )


@bp.get("/api/v1/stats")
@public_page
def stats():
    figures = headline_figures()
    headline = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in figures.__dict__.items()
    }
    by_program: dict[str, dict] = {}
    for code, level, kind, n in queries.public_counts_by_program():
        entry = by_program.setdefault(
            code, {"program": code, "level": level.value, "individuals": 0, "groups": 0}
        )
        entry["individuals" if kind is HonoreeKind.INDIVIDUAL else "groups"] += n
    return jsonify(
        headline=headline, by_program=sorted(by_program.values(), key=lambda e: e["program"])
    )


@bp.get("/api/v1/openapi.json")
@public_page
def openapi_document():
    return jsonify(openapi.document(public_url("/").rstrip("/")))
