"""Locale choice: ?lang= wins, then the `lang` cookie, then Chinese."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def requested_lang() -> str | None:
    if not has_request_context():
        return None
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    lang = requested_lang() or (request.cookies.get(LANG_COOKIE) if has_request_context() else None)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def switch_lang_url(lang: str) -> str:
    """The current URL with ?lang= set, so the switch keeps the user on the same page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def html_lang(locale: str) -> str:
    return "zh-CN" if locale.startswith("zh") else "en"
