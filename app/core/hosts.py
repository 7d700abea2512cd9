"""The hosts the site answers for, checked before anything else.

Absolute URLs (feed, share tags, QR codes, certificates, API, mail) are built from
PUBLIC_BASE_URL, never from the request's Host. A request naming another host is refused
with 400 by a WSGI middleware that wraps the cached-page fast path, so a forged Host (or
X-Forwarded-Host) never reaches the page cache or a view.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Flask
from werkzeug.wrappers import Response

from app.core import frame
from app.core.urls import parse_base_url

# host, or [IPv6], then an optional port (werkzeug's pattern, names lowercased first)
_HOST_RE = re.compile(r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?", re.ASCII)
REFUSAL = "Bad Request: this site does not answer for that host name.\n"


def host_name(header: str | None) -> str | None:
    """The lowercased name of a Host header without its port; None when malformed."""
    match = _HOST_RE.fullmatch((header or "").strip().lower())
    if match is None:
        return None
    name, port = match.groups()
    if port is not None and not 1 <= int(port) <= 65535:
        return None
    return name.rstrip(".") or None


def _entry_name(entry: str) -> str:
    entry = entry.strip().lower()
    if entry.startswith("[") or entry.count(":") < 2:  # [v6]:port, name:port, name
        return host_name(entry.lstrip(".")) or ""
    return f"[{entry}]"  # a bare IPv6 address such as ::1


@lru_cache(maxsize=8)
def allowed_names(base_url: str, extra: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact names, domain suffixes) allowed by PUBLIC_BASE_URL and ALLOWED_HOSTS.

    An ALLOWED_HOSTS entry is a host name or address (any port), `.example.org` for the
    domain and its subdomains, or `*` for any host."""
    names = {host_name(parse_base_url(base_url)[1]) or ""}
    suffixes: list[str] = []
    for entry in extra:
        if entry.strip() == "*":
            suffixes.append("")
        elif entry.strip().startswith("."):
            suffixes.append(_entry_name(entry))
        elif entry.strip():
            names.add(_entry_name(entry))
    names.discard("")
    return frozenset(names), tuple(suffixes)


def host_allowed(header: str | None, base_url: str, extra: tuple[str, ...]) -> bool:
    name = host_name(header)
    if name is None:
        return False
    names, suffixes = allowed_names(base_url, tuple(extra))
    return name in names or any(
        suffix == "" or name == suffix or name.endswith("." + suffix) for suffix in suffixes
    )


class HostGuard:
    """WSGI middleware: 400 for a Host the site does not answer for."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        config = self.app.config
        header = environ.get("HTTP_HOST") or environ.get("SERVER_NAME")
        if host_allowed(header, config["PUBLIC_BASE_URL"], tuple(config["ALLOWED_HOSTS"])):
            return self.wsgi_app(environ, start_response)
        response = Response(REFUSAL, status=400, mimetype="text/plain")
        frame.security_headers(response, secure=environ.get("wsgi.url_scheme") == "https")
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)
