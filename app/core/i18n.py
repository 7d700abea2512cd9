"""Locale choice: ?lang= wins, then the `lang` cookie, then Chinese."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"
LANG_ARG = "lang"


def choose_locale(arg: str | None, cookie: str | None, config) -> str:
    """The one locale rule, shared with the WSGI fast path (app/core/fastpath.py)."""
    for lang in (arg, cookie):
        if lang in config["LANGUAGES"]:
            return lang
    return config["BABEL_DEFAULT_LOCALE"]


def requested_lang() -> str | None:
    if not has_request_context():
        return None
    lang = request.args.get(LANG_ARG)
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return choose_locale(
        request.args.get(LANG_ARG), request.cookies.get(LANG_COOKIE), current_app.config
    )


def switch_lang_url(lang: str) -> str:
    """The current URL with ?lang= set, so the switch keeps the user on the same page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def html_lang(locale: str) -> str:
    return "zh-CN" if locale.startswith("zh") else "en"
