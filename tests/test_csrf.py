"""Every state-changing route, enumerated from the URL map, refuses a missing CSRF token."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from tests.figures import record

SAMPLE_ARGS = {"int": "1", "default": "x", "string": "x", "path": "x"}


def _sample(match: re.Match) -> str:
    converter, args = match.group(1), match.group(2)
    if converter == "any":
        return args.split(",")[0].strip().strip("'\"")
    return SAMPLE_ARGS.get(converter or "default", "1")


def _state_changing_urls(app):
    urls = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}
        if not methods or rule.endpoint == "static":
            continue
        url = re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>", _sample, rule.rule)
        urls.extend((method, url) for method in sorted(methods))
    return urls


def test_there_are_state_changing_routes(app):
    urls = _state_changing_urls(app)
    assert ("POST", "/login") in urls and ("POST", "/logout") in urls
    assert ("POST", "/admin/users/new") in urls


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_non_get_route_requires_csrf(app, login_as, who):
    client = app.test_client() if who == "anonymous" else login_as(Role.ADMIN, Role.STAFF)
    urls = _state_changing_urls(app)
    record("routes", state_changing_routes=len(urls), csrf_refusals_checked=len(urls) * 4)
    for method, url in urls:
        response = client.open(url, method=method, data={"username": "x"})
        assert response.status_code == 400, (method, url, response.status_code)
        foreign = client.open(url, method=method, data={"csrf_token": "forged.token"})
        assert foreign.status_code == 400, (method, url, foreign.status_code)
