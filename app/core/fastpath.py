"""WSGI fast path: an anonymous visitor's GET of a cached public page, answered before Flask.

The page cache (app/core/cache.py) keeps public pages under the public data version; a
hit still went through the whole Flask stack (sessions, login, rate-limit bookkeeping,
locale, hooks) to hand back stored bytes. This middleware answers such a hit directly
when it can prove the Flask path would answer the same bytes:

- GET or HEAD, no cookie but `lang` (no session, no flashes, no login, no remember-me),
  no `?lang=` (that sets a cookie);
- the process knows the current public data version (read by a request within
  PUBLIC_VERSION_TTL; with a TTL of 0 there is no fast path);
- the page cache holds the entry under exactly the key the decorator uses (the path
  with the query in canonical order, tracking parameters such as WeChat's dropped).

Otherwise the request goes to Flask unchanged. The answer carries the same headers as the
Flask path (security headers, validators, Cache-Control, Vary) and honours conditional
requests (304).
"""

from __future__ import annotations

import time
from http.cookies import CookieError, SimpleCookie

from flask import Flask
from werkzeug.wrappers import Response

from app.core import frame, i18n
from app.core.cache import cacheable, cached_entry, cached_response, shared_link_path
from app.core.public_data import VERSION_MEMO

ALLOWED_COOKIES = {i18n.LANG_COOKIE}


class CachedPageFastPath:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        response = self._hit(environ)
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _hit(self, environ) -> Response | None:
        cookies = _cookies(environ.get("HTTP_COOKIE", ""))
        if cookies is None or set(cookies) - ALLOWED_COOKIES:
            return None  # a session cookie may carry a login or a message
        if not cacheable(environ.get("REQUEST_METHOD", ""), logged_in=False, has_flashes=False):
            return None
        remembered = self.app.extensions.get(VERSION_MEMO)
        if remembered is None or remembered[0] <= time.monotonic():
            return None
        request = self.app.request_class(environ)  # the same parsing as the Flask path
        if i18n.LANG_ARG in request.args:
            return None  # the Flask path sets the language cookie
        locale = i18n.choose_locale(None, cookies.get(i18n.LANG_COOKIE), self.app.config)
        version, changed_at = remembered[1]
        path = shared_link_path(request.path, request.args)
        entry = cached_entry(self.app, version, locale, path)
        if entry is None:
            return None
        response = cached_response(entry, changed_at)
        frame.security_headers(response, secure=request.is_secure)
        response.vary.add("Cookie")
        return response.make_conditional(request)


def _cookies(header: str) -> dict[str, str] | None:
    if not header:
        return {}
    try:
        parsed = SimpleCookie(header)
    except CookieError:
        return None
    return {name: morsel.value for name, morsel in parsed.items()}
