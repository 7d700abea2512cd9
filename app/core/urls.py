"""URLs the site hands out: absolute ones from PUBLIC_BASE_URL, redirects only to itself."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app

# Browsers drop tabs and line breaks inside a URL and read "\" as "/": "/\t/evil.example"
# and "/\\evil.example" both lead off the site. A redirect target carries none of them.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


class PublicBaseUrlError(ValueError):
    """PUBLIC_BASE_URL is not an http(s) origin: the application refuses to start."""


@lru_cache(maxsize=8)
def parse_base_url(value: str) -> tuple[str, str, str]:
    """(scheme, netloc, path prefix) of PUBLIC_BASE_URL, e.g. ("https", "x.cn", "")."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublicBaseUrlError(
            f"PUBLIC_BASE_URL must look like https://example.org, not {value!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise PublicBaseUrlError(f"PUBLIC_BASE_URL must be a bare origin, not {value!r}")
    try:
        _ = parts.port  # a port out of range or not a number
    except ValueError as error:
        raise PublicBaseUrlError(f"PUBLIC_BASE_URL has a bad port: {value!r}") from error
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")


def public_url_for(endpoint: str, **values: object) -> str:
    """The absolute URL of `endpoint` on the site's public origin (PUBLIC_BASE_URL),
    whatever Host the current request named; works outside requests too (CLI, mail)."""
    scheme, netloc, prefix = parse_base_url(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(netloc, script_name=prefix or "/", url_scheme=scheme)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def public_url(path: str) -> str:
    """An absolute URL on the public origin for a site path such as "/nominations/3"."""
    scheme, netloc, prefix = parse_base_url(current_app.config["PUBLIC_BASE_URL"])
    return f"{scheme}://{netloc}{prefix}/{path.lstrip('/')}"


def local_target(target: str | None, fallback: str, *, under: str = "/") -> str:
    """`target` when it is a path on this site within `under`, else `fallback`.

    The one check for every redirect whose target comes from the request (`next`,
    `back`): a path starting with a single "/", no scheme or host however written."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if _UNSAFE.search(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    base = under.rstrip("/")
    if base and parts.path != base and not parts.path.startswith(base + "/"):
        return fallback
    return target
