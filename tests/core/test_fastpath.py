"""The WSGI fast path answers cached public pages exactly as the Flask path would."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts.models import Role
from app.core import public_data
from app.extensions import db
from tests import factories
from tests.test_query_counts import count_queries


@pytest.fixture
def fast(app, monkeypatch):
    """The production setting: a process trusts the version it read for a while."""
    monkeypatch.setitem(app.config, "PUBLIC_VERSION_TTL", 60)
    yield
    app.extensions.pop(public_data.VERSION_MEMO, None)


def _seed(app, name="快速好人"):
    with app.app_context():
        program = factories.make_program()
        honoree = factories.make_honoree(name=name, slug="fast-1")
        factories.make_honor(
            honoree, program, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
        )
        public_data.bump()
        db.session.commit()


def test_a_cached_page_is_answered_without_flask_and_identically(app, client, fast):
    _seed(app)
    first = client.get("/roll")
    with count_queries(app) as queries:
        again = client.get("/roll")
    assert queries["n"] == 0
    assert again.data == first.data
    drop = {"Date"}
    assert {k: v for k, v in again.headers if k not in drop} == {
        k: v for k, v in first.headers if k not in drop
    }
    assert client.get("/roll", headers={"If-None-Match": again.headers["ETag"]}).status_code == 304
    head = client.head("/roll")
    assert head.status_code == 200 and head.data == b""


def test_language_and_cookies_decide_like_the_flask_path(app, fast):
    _seed(app)
    visitor = app.test_client()
    visitor.get("/roll")
    english = visitor.get("/roll?lang=en")  # sets the cookie: through Flask
    assert "lang=en" in english.headers.get("Set-Cookie", "")
    again = visitor.get("/roll?lang=en")  # again through Flask (only it sets the cookie)
    assert "lang=en" in again.headers.get("Set-Cookie", "")
    cookie_only = visitor.get("/roll")  # lang cookie: the English entry, from the fast path
    assert b'<html lang="en">' in cookie_only.data
    assert b'<html lang="zh-CN">' in app.test_client().get("/roll").data
    assert again.status_code == cookie_only.status_code == 200


def test_logged_in_visitors_never_get_the_anonymous_page(app, client, login_as, fast):
    _seed(app)
    client.get("/roll")
    client.get("/roll")
    staff = login_as(Role.STAFF, username="fast-staff")
    page = staff.get("/roll").get_data(as_text=True)
    assert "fast-staff" in page or "退出" in page  # personal navigation: rendered by Flask


def test_a_publication_in_this_process_is_seen_at_once(app, client, fast):
    _seed(app)
    assert "第二位好人" not in client.get("/roll").get_data(as_text=True)
    client.get("/roll")
    with app.app_context():
        program = factories.make_program(code="fast-second")
        factories.make_honor(factories.make_honoree(name="第二位好人", slug="fast-2"), program)
        public_data.bump()
        db.session.commit()
    assert "第二位好人" in client.get("/roll").get_data(as_text=True)


def test_a_wechat_shared_link_is_answered_by_the_fast_path(app, client, fast):
    _seed(app)
    first = client.get("/roll?kind=individual")
    with count_queries(app) as queries:
        shared = client.get("/roll?isappinstalled=0&kind=individual&from=singlemessage")
    assert queries["n"] == 0
    assert shared.data == first.data
