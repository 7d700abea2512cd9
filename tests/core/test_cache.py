"""Public page cache: data-version keys, ETag/304, no personal pages, release-time expiry."""

from __future__ import annotations

from datetime import date, timedelta

from app.accounts.models import Role
from app.core import cache as page_cache
from app.core import clock, public_data
from app.db_types import utcnow
from app.extensions import db
from app.honors import services
from app.registry.models import HonorStatus
from tests import factories
from tests.test_query_counts import count_queries


def _seed(app, name="缓存好人"):
    with app.app_context():
        program = factories.make_program()
        honoree = factories.make_honoree(name=name, slug="cache-1")
        honor = factories.make_honor(
            honoree, program, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
        )
        public_data.bump()
        db.session.commit()
        return honor.id


def test_etag_and_304(app, client):
    _seed(app)
    first = client.get("/roll")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/roll", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/api/v1/honorees", headers={"If-None-Match": "nope"}).status_code == 200


def test_revocation_invalidates_cached_pages(app, client):
    honor_id = _seed(app)
    for url in ["/roll", "/", "/feed.atom", "/api/v1/honorees", "/honorees/cache-1"]:
        assert "缓存好人" in client.get(url).get_data(as_text=True), url
    with app.app_context():
        services.revoke_honor(db.session.get(factories.Honor, honor_id), reason="x", actor=None)
        db.session.commit()
    for url in ["/roll", "/", "/feed.atom", "/api/v1/honorees"]:
        assert "缓存好人" not in client.get(url).get_data(as_text=True), url
    assert client.get("/honorees/cache-1").status_code == 410


def test_publication_invalidates_cached_pages(app, client):
    _seed(app)
    assert "新上榜者" not in client.get("/roll").get_data(as_text=True)
    with app.app_context():
        program = factories.make_program()
        factories.make_honor(factories.make_honoree(name="新上榜者", slug="cache-2"), program)
        public_data.bump()
        db.session.commit()
    assert "新上榜者" in client.get("/roll").get_data(as_text=True)


def test_logged_in_pages_are_not_cached(app, login_as):
    _seed(app)
    staff = login_as(Role.STAFF)
    response = staff.get("/roll")
    assert "ETag" not in response.headers
    assert "文明办工作台" in response.get_data(as_text=True)


def test_entry_expires_at_next_scheduled_release(app):
    with app.app_context():
        honoree = factories.make_honoree(slug="cache-3")
        soon = utcnow() + timedelta(seconds=90)
        factories.make_honor(
            honoree, factories.make_program(), status=HonorStatus.PUBLISHED, published_at=soon
        )
        timeout = page_cache._seconds_to_next_release(utcnow(), 300)
        assert 80 <= timeout <= 90
        assert page_cache._seconds_to_next_release(utcnow() + timedelta(days=1), 300) == 300


def test_aggregates_are_computed_once_per_public_version(app, login_as):
    """Logged-in pages skip the page cache but not the per-version aggregates."""
    _seed(app)
    calls = []
    with app.test_request_context():
        first = page_cache.memoized("probe", lambda: calls.append(1) or len(calls))
        again = page_cache.memoized("probe", lambda: calls.append(1) or len(calls))
        assert first == again == 1
        public_data.bump()  # a publication in the same request
        assert page_cache.memoized("probe", lambda: calls.append(1) or len(calls)) == 2
        db.session.rollback()


def test_roll_total_follows_a_publication(app, login_as):
    staff = login_as(Role.STAFF)
    _seed(app)
    assert staff.get("/api/v1/honorees").get_json()["total"] == 1
    with app.app_context():
        program = factories.make_program(code="second")
        factories.make_honor(factories.make_honoree(name="新好人", slug="cache-2"), program)
        public_data.bump()
        db.session.commit()
    assert staff.get("/api/v1/honorees").get_json()["total"] == 2


def test_public_version_is_reread_after_its_ttl(app, monkeypatch):
    """A process trusts the version it read for PUBLIC_VERSION_TTL seconds; its own
    publications are seen at once, another process's once the TTL has run out."""
    import sqlalchemy as sa

    from app.core.public_data import PublicDataVersion

    _seed(app)
    monkeypatch.setitem(app.config, "PUBLIC_VERSION_TTL", 60)
    clock = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock[0])
    with app.test_request_context():
        seen = page_cache.public_version()[0]
    with app.app_context():  # another process bumps: no forget in this one
        db.session.execute(
            sa.update(PublicDataVersion).values(version=PublicDataVersion.version + 1)
        )
        db.session.commit()
    with app.test_request_context():
        assert page_cache.public_version()[0] == seen
    clock[0] += 61
    with app.test_request_context():
        assert page_cache.public_version()[0] == seen + 1
    with app.test_request_context():
        public_data.bump()  # this process publishes: seen at once
        db.session.commit()
    with app.test_request_context():
        assert page_cache.public_version()[0] == seen + 2
    app.extensions.pop(public_data.VERSION_MEMO, None)


def test_concurrent_first_callers_compute_once(app):
    """After a publication the visitors who arrive together share one computation."""
    import threading
    import time as clock

    _seed(app)
    calls = []
    results = []

    def slow():
        calls.append(1)
        clock.sleep(0.2)
        return 42

    def visitor():
        with app.test_request_context():
            results.append(page_cache.memoized("herd-probe", slow))
            db.session.remove()

    threads = [threading.Thread(target=visitor) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42] * 8
    assert len(calls) == 1
    assert page_cache.single_flight._locks == {}  # nothing left behind


# Cache keys follow how links are shared (WeChat appends parameters and apps reorder them).


def _seed_program(app) -> str:
    with app.app_context():
        program = factories.make_program()
        honoree = factories.make_honoree(name="分享好人", slug="share-1")
        factories.make_honor(
            honoree, program, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
        )
        public_data.bump()
        db.session.commit()
        return program.code


def _statements(app, client, url: str) -> tuple[int, bytes]:
    with count_queries(app) as queries:
        body = client.get(url).data
    return queries["n"], body


def test_wechat_shared_link_is_served_from_the_entry_of_the_plain_link(app, client):
    code = _seed_program(app)
    rendered, first = _statements(app, client, f"/roll?program={code}")
    shared = f"/roll?from=singlemessage&isappinstalled=0&program={code}&utm_source=wx"
    again, body = _statements(app, client, shared)
    assert rendered > 1 and again == 1  # only the public data version is read
    assert body == first


def test_reordered_parameters_share_one_entry(app, client):
    code = _seed_program(app)
    _statements(app, client, f"/roll?kind=individual&program={code}&page=1")
    again, _ = _statements(app, client, f"/roll?page=1&program={code}&kind=individual")
    assert again == 1


def test_unknown_parameters_and_values_outside_a_domain_share_the_unfiltered_entry(app, client):
    _seed_program(app)
    _, plain = _statements(app, client, "/roll")
    client.get("/roll?program=warm")  # the filters' domains are read once per data version
    for url in ["/roll?foo=1", "/roll?program=no-such", "/roll?year=abc", "/roll?kind=robot"]:
        statements, body = _statements(app, client, url)
        assert statements == 1, url
        assert body == plain, url


def test_roll_csv_is_not_rebuilt_for_unknown_parameters(app, client):
    _seed_program(app)
    rendered, first = _statements(app, client, "/roll.csv?x=1")
    again, body = _statements(app, client, "/roll.csv?x=2&from=timeline")
    assert rendered > 1 and again == 1 and body == first


def test_cached_variants_of_a_page_are_bounded_and_the_rest_still_render(app, client, monkeypatch):
    _seed_program(app)
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_VARIANTS", 3)
    for n in range(5):
        client.get(f"/roll?q=分享{n}")
    assert _statements(app, client, "/roll?q=分享0")[0] == 1  # among the first three: cached
    fourth, body = _statements(app, client, "/roll?q=分享4")
    assert fourth > 1 and "分享" in body.decode()  # beyond the bound: rendered, not stored
    assert _statements(app, client, "/roll")[0] > 1  # the page itself is always cached
    assert _statements(app, client, "/roll")[0] == 1


def test_canonical_query_drops_tracking_unknown_repeats_and_out_of_domain_values():
    from werkzeug.datastructures import MultiDict

    params = {
        "page": page_cache.int_in(1, 10),
        "kind": page_cache.one_of(lambda: {"a", "b"}),
        "q": page_cache.text(4),
    }
    args = MultiDict(
        [
            ("utm_source", "x"),
            ("q", "  长长长长长  "),
            ("page", "007"),
            ("page", "2"),
            ("kind", "c"),
            ("from", "singlemessage"),
        ]
    )
    assert page_cache.canonical_query(args, params) == [("page", "7"), ("q", "长长长长")]
    assert page_cache.shared_link_path(
        "/roll", MultiDict([("b", "2"), ("from", "x"), ("a", "1")])
    ) == ("/roll?a=1&b=2")


def test_bypass_parameter_renders_uncached_only_when_configured(app, client, monkeypatch):
    _seed_program(app)
    client.get("/roll")
    assert _statements(app, client, "/roll?_b=1")[0] == 1  # not configured: the cached page
    monkeypatch.setitem(app.config, "PAGE_CACHE_BYPASS_PARAM", "_b")
    assert _statements(app, client, "/roll?_b=2")[0] > 1
    assert _statements(app, client, "/roll?_b=2")[0] > 1


def _probe(calls: list[int]):
    return lambda: page_cache.aggregate("probe", lambda: calls.append(1) or len(calls))


def test_aggregates_survive_a_flood_of_cached_pages(app):
    _seed(app)
    calls: list[int] = []
    with app.test_request_context():
        probe = _probe(calls)
        assert probe() == 1
        threshold = app.config.get("CACHE_THRESHOLD", 500)
        for i in range(threshold * 2):  # a crawler's morning: more pages than the cache holds
            page_cache.cache.set(f"page:flood:{i}", b"x")
        assert page_cache.cache.get("page:flood:0") is None  # the page cache did evict
        assert probe() == 1  # the aggregate did not go


def test_aggregates_are_recomputed_after_a_bump_and_at_a_scheduled_release(app, monkeypatch):
    _seed(app)
    calls: list[int] = []
    release = utcnow() + timedelta(minutes=5)
    monkeypatch.setattr(page_cache, "_next_release", lambda now: release if now < release else None)
    with app.test_request_context():
        probe = _probe(calls)
        assert probe() == probe() == 1
        public_data.bump()
        db.session.commit()
        assert probe() == 2
    with app.test_request_context(), clock.set_to(release + timedelta(seconds=1)):
        assert probe() == 3  # the scheduled release came: computed again
        assert probe() == 3


def test_a_committed_change_of_public_data_warms_every_aggregate(app):
    _seed(app)
    page_cache.forget_aggregates()
    app.config["WARM_AGGREGATES"] = True
    try:
        with app.app_context():
            factories.make_honoree(name="新好人")  # committed: the version is bumped
        with app.app_context():
            stamp = page_cache.public_version()
            held = {
                key.split(":")[0] for key, (s, _, _) in page_cache._aggregates.items() if s == stamp
            }
        assert held == {
            "headline-figures",
            "stats-tables",
            "national-streak",
            "roll-filter-domains",
            "roll-total",
        }
        page_cache.forget_aggregates()
        with app.app_context():  # a context that changed nothing warms nothing
            page_cache.public_version()
        assert page_cache._aggregates == {}
    finally:
        app.config["WARM_AGGREGATES"] = False
