"""With REDIS_URL, rate limits and the page cache are shared by every app instance."""

from __future__ import annotations

import os

import pytest
import redis

from app.extensions import cache
from tests.conftest import csrf_token, make_test_app

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_apps(app, tmp_path_factory):
    """Two app instances on one database and one Redis, as two servers would be.

    Flask-Limiter keeps its storage on the shared `limiter` object, so from here on the
    session's limiter counts in Redis too; limiter.reset() still isolates the tests.
    """
    try:
        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI_REQUIRE_REDIS"):
            raise
        pytest.skip("no Redis at " + REDIS_URL)
    client.flushdb()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Extensions read their storage at init: build the two instances with Redis settings.
    apps = [
        make_test_app(
            tmp_path_factory,
            SQLALCHEMY_DATABASE_URI=url,
            RATELIMIT_STORAGE_URI=REDIS_URL,
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX="honors-redis-test:",
        )
        for _ in range(2)
    ]
    yield apps
    client.flushdb()


def test_rate_limit_is_shared_across_instances(redis_apps):
    first, second = (a.test_client() for a in redis_apps)
    data = {
        "channel": "public",
        "kind": "individual",
        "candidate_name": "共享限流",
        "headline": "测试",
        "story": "这是一个足够长的测试故事，用来检查限流。",
        "recommender_name": "测试者",
        "recommender_phone": "13800001111",
        "truthful": "y",
    }
    codes = []
    for i in range(6):
        client = first if i % 2 == 0 else second
        codes.append(
            client.post(
                "/recommend",
                data={**data, "csrf_token": csrf_token(client, "/recommend")},
                environ_base={"REMOTE_ADDR": "203.0.113.200"},
            ).status_code
        )
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_page_cache_is_shared_across_instances(redis_apps):
    first, second = redis_apps
    with first.app_context():
        cache.set("shared-probe", {"body": b"x"})
    with second.app_context():
        assert cache.get("shared-probe") == {"body": b"x"}
