"""What the write benchmarks post: like forms of anonymous visitors, committee ballots.

Shared by the HTTP runner (a real server, urllib) and the query counter (Flask's test
client): both hand in `get(path, cookie)` and `post(path, cookie, body)` callables that
return (status, headers, text) and keep the session cookie in a small jar of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from bs4 import BeautifulSoup

DEMO_PASSWORD = "luohe-demo"  # noqa: S105 - the demo's published password
COMMITTEE_USERS = [f"demo-committee{n}" if n > 1 else "demo-committee" for n in range(1, 8)]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

Get = Callable[[str], tuple[int, str]]
Post = Callable[[str, str], tuple[int, str]]


def like_requests(get: Get) -> tuple[str, list[tuple[str, str]]]:
    """(csrf token, [(path, body)]) for every candidate liked from the /review page."""
    _status, html = get("/review")
    token = CSRF_RE.search(html).group(1)
    soup = BeautifulSoup(html, "html.parser")
    paths = sorted(
        {
            form["action"]
            for form in soup.find_all("form")
            if form.get("action", "").endswith("/like")
        }
    )
    return token, [(path, urlencode({"csrf_token": token, "back": "/review"})) for path in paths]


def login(get: Get, post: Post, username: str) -> None:
    _status, html = get("/login")
    token = CSRF_RE.search(html).group(1)
    status, _ = post(
        "/login", urlencode({"csrf_token": token, "username": username, "password": DEMO_PASSWORD})
    )
    if status != 302:
        raise RuntimeError(f"login of {username} failed: {status}")


def ballot_request(get: Get, post: Post) -> tuple[str, str]:
    """(path, body) of the logged-in member's ballot in a cycle open for voting: the form
    as the page shows it, with a score of 7 everywhere or three approvals; it is cast once
    here to be sure the committee accepts it (a redirect)."""
    _status, html = get("/committee/")
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=re.compile(r"^/committee/cycles/\d+$"))]
    for path in links:
        _status, page = get(path)
        form = BeautifulSoup(page, "html.parser").find("form", id="ballot-form")
        if form is None:
            continue
        fields: list[tuple[str, str]] = []
        approvals = 0
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            kind = element.get("type", "text")
            if not name:
                continue
            if kind == "checkbox":
                if approvals < 3:  # within any quota
                    fields.append((name, element.get("value", "y")))
                    approvals += 1
            elif kind == "number":
                fields.append((name, "7"))
            elif element.name == "select":
                options = [o.get("value", "") for o in element.find_all("option")]
                fields.append((name, options[len(options) // 2] if options else ""))
            else:
                fields.append((name, element.get("value", "") or element.text or ""))
        action, body = form.get("action") or path, urlencode(fields)
        if post(action, body)[0] == 302:
            return action, body
    raise RuntimeError("no open ballot for this member")
