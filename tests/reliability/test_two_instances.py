"""Two gunicorn instances (two machines) on one PostgreSQL and one Redis: what must be global
is global — the like limit, the login throttle, the public pages after a publication and
the one counted ballot — whichever instance a request reaches.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.figures import record
from tests.reliability.conftest import Deployment, Server, new_deployment
from tests.reliability.web import Browser, burst, fresh_address

LIKE_LIMIT = 20  # likes per minute and address (Config.LIKES_PER_ADDRESS_MINUTE)
LOGIN_FREE_FAILURES = 5  # failures of one name from one address (Config.LOGIN_FREE_FAILURES)
TOO_MANY_REQUESTS = "请求过于频繁"
THROTTLED = "登录失败次数过多"
WRONG_PASSWORD = "用户名或密码错误"


@pytest.fixture(scope="module")
def pair(databases, redis_db, tmp_path_factory) -> Iterator[tuple[Deployment, Server, Server]]:
    deployment = new_deployment(
        databases, "postgresql", tmp_path_factory.mktemp("two-instances")
    ).prepare()
    servers: list[Server] = []
    try:
        for _ in range(2):  # each its own instance folder, as on two machines
            server = Server(deployment, redis_url=redis_db)
            servers.append(server)
            server.start(deployment.new_instance())
        yield deployment, *servers
    finally:
        for server in servers:
            server.stop()


def test_like_limit_counts_likes_to_both_instances(pair):
    deployment, first, second = pair
    nomination = deployment.data["review"]["candidates"][3]
    address = fresh_address()
    responses = []
    for i in range(LIKE_LIMIT + 1):  # fresh cookies every time, one address
        visitor = Browser((first, second)[i % 2].url, address)
        token = visitor.get(f"/review/{nomination}").csrf_token()
        responses.append(visitor.post(f"/review/{nomination}/like", {"csrf_token": token}))
    statuses = [r.status for r in responses]
    stored = deployment.database.scalar(
        "SELECT count(*) FROM likes WHERE nomination_id = ?", (nomination,)
    )
    record("reliability", **{"two_instances.like_limit_hit_at_request": statuses.index(429) + 1})
    assert statuses == [302] * LIKE_LIMIT + [429]
    assert TOO_MANY_REQUESTS in responses[-1].text
    assert stored == LIKE_LIMIT


def test_login_failures_on_both_instances_throttle_the_address_not_the_owner(pair):
    deployment, first, second = pair
    username, password = deployment.data["voting"]["staff"], deployment.data["password"]
    attacker = Browser(first.url)
    pages = [
        attacker.at((first, second)[i % 2].url).login(username, "wrong-password")
        for i in range(LOGIN_FREE_FAILURES)
    ]
    right = attacker.at(second.url).login(username, password)
    failures = deployment.database.scalar(
        "SELECT count(*) FROM login_attempts WHERE username = ?", (username,)
    )
    owner = Browser(first.url).login(username, password)  # another address
    record("reliability", **{"two_instances.throttle_after_failures": LOGIN_FREE_FAILURES})
    assert [p.status for p in pages] == [200] * LOGIN_FREE_FAILURES
    assert all(WRONG_PASSWORD in p.text for p in pages[:-1])
    assert THROTTLED in pages[-1].text
    assert right.status == 200 and THROTTLED in right.text  # the right password, still held
    assert failures == LOGIN_FREE_FAILURES
    assert owner.status == 302


def test_publication_through_one_instance_shows_on_the_others_cached_pages(pair):
    deployment, first, second = pair
    notice = deployment.data["notice"]
    name = notice["published_names"][0]
    reader = Browser(second.url)
    urls = ["/roll", "/", f"/cycles/{notice['program']}/{notice['period']}"]
    for url in urls:  # cached (in Redis) on the second instance
        reader.get(url)
    assert all(name not in reader.get(url).text for url in urls[:2])

    staff = Browser(first.url)
    assert staff.login(deployment.data["staff"], deployment.data["password"]).status == 302
    publish = f"/staff/cycles/{notice['cycle']}/publish"
    assert staff.submit(publish, {"release_at": ""}).status == 302
    published = time.monotonic()

    pending = set(urls)
    while pending and time.monotonic() - published < 10:
        pending = {url for url in pending if name not in reader.get(url).text}
        time.sleep(0.1)
    seconds = time.monotonic() - published
    record("reliability", **{"two_instances.publication_visible_seconds": round(seconds, 1)})
    assert pending == set(), f"still stale on the second instance: {sorted(pending)}"


def test_one_ballot_sent_to_both_instances_at_once_counts_once(pair):
    deployment, first, second = pair
    voting = deployment.data["voting"]
    judge = Browser(first.url)
    assert judge.login(voting["members"][0], deployment.data["password"]).status == 302
    page = f"/committee/cycles/{voting['cycle']}"
    form = {"csrf_token": judge.get(page).csrf_token(), "approve": voting["candidates"][:2]}
    copies = [judge.clone().at((first, second)[i % 2].url) for i in range(20)]

    responses = burst([lambda c=c: c.post(page, form) for c in copies], threads=len(copies))

    ballots = deployment.database.rows(
        "SELECT version FROM ballots WHERE cycle_id = ? AND member_id = ?",
        (voting["cycle"], voting["member_ids"][0]),
    )
    record("reliability", **{"two_instances.ballots_sent": 20})
    record("reliability", **{"two_instances.ballots_counted": len(ballots)})
    assert [r.status for r in responses] == [302] * len(copies)
    assert ballots == [(len(copies),)]
