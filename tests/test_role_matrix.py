"""Role × route matrix over every GET route of the app (enumerated, so none can escape).

Rows are areas (by URL prefix), columns are who asks; a cell lists the allowed statuses
(302 = sent to the login page, 404 = a sample id that does not exist, 410 = taken down).
A redirect is accepted only where the row says GO, and a LOGIN cell must lead to /login.
"""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from tests.figures import record

OK = {200, 404, 410}
LOGIN = {302}
DENY = {403}
GO = {302}  # a landing page that redirects to the area's first page (/admin/, /nominations/)
# fmt: off
# area            anonymous  nominator_a nominator_b staff  committee admin
MATRIX = {
    "/admin":       (LOGIN,    DENY,       DENY,       DENY,  DENY,     OK | GO),
    "/staff":       (LOGIN,    DENY,       DENY,       OK,    DENY,     OK),
    "/committee":   (LOGIN,    DENY,       DENY,       DENY,  OK | DENY, DENY),
    "/nominations": (LOGIN,    OK | DENY,  OK | DENY,  OK | GO, DENY,   OK | GO),
    "/inbox":       (LOGIN,    OK,         OK,         OK,    OK,       OK),
    "/account":     (LOGIN,    OK,         OK,         OK,    OK,       OK),
    "":             (OK | LOGIN, OK | LOGIN, OK | LOGIN, OK | LOGIN, OK | LOGIN, OK | LOGIN),
}
# fmt: on
WHO = ("anonymous", "nominator_a", "nominator_b", "staff", "committee", "admin")
SAMPLE = {"int": "1", "default": "x", "string": "x", "path": "x"}


def _area(url: str) -> str:
    for prefix in MATRIX:
        if prefix and (url == prefix or url.startswith(prefix + "/")):
            return prefix
    return ""


def _get_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        url = re.sub(
            r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>",
            lambda m: SAMPLE.get(m.group(1) or "default", "1"),
            rule.rule,
        )
        urls.append(url)
    return sorted(set(urls))


@pytest.fixture
def clients(app, login_as):
    return {
        "anonymous": app.test_client(),
        "nominator_a": login_as(Role.NOMINATOR, organisation_code="org-a"),
        "nominator_b": login_as(Role.NOMINATOR, organisation_code="org-b"),
        "staff": login_as(Role.STAFF),
        "committee": login_as(Role.COMMITTEE),
        "admin": login_as(Role.ADMIN),
    }


def test_every_get_route_answers_as_the_matrix_says(app, clients):
    urls = _get_urls(app)
    assert "/staff/cycles" in urls and "/admin/users" in urls and "/committee/" in urls
    wrong = []
    for url in urls:
        expected = MATRIX[_area(url)]
        for who, allowed in zip(WHO, expected, strict=True):
            response = clients[who].get(url)
            response.close()
            if response.status_code not in allowed:
                wrong.append((url, who, response.status_code))
            elif allowed is LOGIN and "/login" not in response.headers.get("Location", ""):
                wrong.append((url, who, "redirect not to login"))
    assert wrong == [], wrong
    record("routes", get_routes=len(urls), role_matrix_cells=len(urls) * len(WHO))


def test_matrix_covers_staff_and_admin_routes(app):
    areas = {_area(url) for url in _get_urls(app)}
    assert {"/admin", "/staff", "/committee", "/nominations"} <= areas
