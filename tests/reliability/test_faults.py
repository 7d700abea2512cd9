"""Faults answer clean pages, never a 500: a locked SQLite database, Redis down."""

from __future__ import annotations

import socket
import sqlite3
import time

from tests.figures import record
from tests.reliability.web import Browser, SessionReader

UNAVAILABLE = "服务暂不可用"  # the 503 page's title
CLOSED_REDIS = "redis://127.0.0.1:1/0"


def _clean_error_page(response) -> bool:
    return (
        response.headers.get_content_type() == "text/html"
        and UNAVAILABLE in response.text
        and "Traceback" not in response.text
    )


def test_writes_on_a_locked_sqlite_database_answer_the_503_page(sqlite_site):
    site = sqlite_site
    nomination = site.data["review"]["candidates"][4]
    voting = site.data["voting"]
    visitor = Browser(site.url)
    like_token = visitor.get(f"/review/{nomination}").csrf_token()
    judge = Browser(site.url)
    assert judge.login(voting["members"][6], site.data["password"]).status == 302
    ballot_page = f"/committee/cycles/{voting['cycle']}"
    ballot = {"csrf_token": judge.get(ballot_page).csrf_token(), "approve": voting["candidates"][0]}

    lock = sqlite3.connect(site.database.name, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")  # held longer than the app's 5 s busy timeout
        started = time.monotonic()
        like = visitor.post(f"/review/{nomination}/like", {"csrf_token": like_token})
        like_seconds = time.monotonic() - started
        started = time.monotonic()
        vote = judge.post(ballot_page, ballot)
        ballot_seconds = time.monotonic() - started
        page = Browser(site.url).get(f"/review/{nomination}")  # reads go on (WAL)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    again = visitor.post(f"/review/{nomination}/like", {"csrf_token": like_token})
    record(
        "reliability",
        **{
            "sqlite.locked_like_status": like.status,
            "sqlite.locked_like_seconds": round(like_seconds, 1),
            "sqlite.locked_ballot_status": vote.status,
            "sqlite.locked_ballot_seconds": round(ballot_seconds, 1),
        },
    )
    assert like.status == 503 and _clean_error_page(like)
    assert vote.status == 503 and _clean_error_page(vote)
    assert ballot_seconds < 15  # gives up instead of holding the request for minutes
    assert page.status == 200
    assert again.status == 302  # the lock gone, the same form goes through
    assert (
        site.database.scalar(
            "SELECT count(*) FROM likes WHERE nomination_id = ? AND visitor_id = ?",
            (nomination, SessionReader(site.deployment.secret_key).session(visitor)["visitor"]),
        )
        == 1
    )


PUBLIC_PAGES = ["/", "/roll", "/stats", "/review", "/notice", "/feed.atom", "/api/v1/honorees"]


def test_with_redis_down_pages_and_likes_are_still_served(site, sites):
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", 1)) != 0, "something listens on port 1"
    server = sites.serve(site.deployment, redis_url=CLOSED_REDIS, instance=None)
    try:
        nomination = site.data["review"]["candidates"][5]
        visitor = Browser(server.url)
        pages = {url: visitor.get(url) for url in [*PUBLIC_PAGES, f"/review/{nomination}"]}
        like = visitor.post(
            f"/review/{nomination}/like",
            {"csrf_token": pages[f"/review/{nomination}"].csrf_token()},
        )
        flashes = SessionReader(site.deployment.secret_key).flashes(visitor)
        login = Browser(server.url).login(site.data["staff"], site.data["password"])
    finally:
        server.stop()
    statuses = {url: r.status for url, r in pages.items()}
    record(
        "reliability",
        **{
            f"{site.backend}.redis_down_pages_served": sum(s == 200 for s in statuses.values()),
            f"{site.backend}.redis_down_pages": len(statuses),
            f"{site.backend}.redis_down_like_status": like.status,
        },
    )
    assert statuses == dict.fromkeys(statuses, 200)
    assert like.status == 302 and ("success" in {c for c, _ in flashes})
    assert login.status == 302
