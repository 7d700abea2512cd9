"""Per-request frame: security headers, language cookie, the core template globals and
filters (domains add theirs with their own `register(app)`, called by the app factory)."""

from __future__ import annotations

import json

from flask import Flask, Response, request
from flask_babel import get_locale

from app.core import i18n, site
from app.core.labels import label
from app.core.markdown import render_markdown

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(app: Flask) -> None:
    app.after_request(_add_headers)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(json_text, "json_text")
    site.register(app)
    app.jinja_env.globals.update(
        switch_lang_url=i18n.switch_lang_url,
        html_lang=i18n.html_lang,
        get_locale=get_locale,
        label=label,
        localized=localized,
    )


def json_text(value: object) -> str:
    """Readable JSON for staff pages (Chinese as is); autoescaped like any string."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def localized(obj: object, attr: str = "name") -> str:
    """`obj.<attr>_en` in English, `obj.<attr>_zh` otherwise."""
    lang = "en" if str(get_locale()).startswith("en") else "zh"
    return getattr(obj, f"{attr}_{lang}")


def security_headers(response: Response, *, secure: bool) -> None:
    """The headers every response carries (also added by app/core/fastpath.py)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )


def _add_headers(response: Response) -> Response:
    security_headers(response, secure=request.is_secure)
    lang = i18n.requested_lang() if request else None
    if lang:
        response.set_cookie(
            i18n.LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    if "Cache-Control" not in response.headers and request.endpoint not in {"static"}:
        # Pages vary by login and language; never let a shared cache keep them.
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response
