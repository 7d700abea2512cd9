"""Outages answer clean pages: the page cache down serves pages uncached, a database locked
for longer than the ballot's retries answers the 503 page."""

from __future__ import annotations

import redis
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.committee import ballots
from app.committee.models import Ballot
from app.committee.views import judges as committee_views
from app.extensions import cache, db
from tests.committee.conftest import build
from tests.conftest import csrf_token, login
from tests.core.test_cache import _seed


def _unreachable(*args, **kwargs):
    raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_public_pages_served_uncached_when_the_cache_is_down(app, client, monkeypatch):
    _seed(app, name="缓存故障好人")
    monkeypatch.setattr(cache, "get", _unreachable)
    monkeypatch.setattr(cache, "set", _unreachable)
    for url in ["/", "/roll", "/honorees/cache-1", "/api/v1/honorees"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "缓存故障好人" in response.get_data(as_text=True), url


def test_ballot_on_a_database_locked_too_long_answers_503(app, monkeypatch):
    with app.app_context():
        setup = build(members=3)
    page = f"/committee/cycles/{setup.cycle_id}"
    client = app.test_client()
    assert login(client, setup.member_usernames[0]).status_code == 302
    token = csrf_token(client, page)

    def locked(*args, **kwargs):
        raise OperationalError("UPDATE ballots", {}, Exception("database is locked"))

    monkeypatch.setattr(ballots, "submit_ballot", locked)
    monkeypatch.setattr(committee_views, "BALLOT_RETRY_SECONDS", 0)
    response = client.post(
        page, data={"csrf_token": token, "approve": [str(setup.candidate_ids[0])]}
    )
    assert response.status_code == 503
    assert "服务暂不可用" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
