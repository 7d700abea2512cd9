"""Site frame: pages, health check, headers, languages, error pages."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from app.core.frame import SECURITY_HEADERS
from app.extensions import db
from tests.conftest import make_test_app


@pytest.mark.parametrize("url", ["/", "/login", "/healthz"])
def test_public_pages_ok(client, url):
    assert client.get(url).status_code == 200


def test_healthz_reports_database_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_healthz_database_down_is_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_security_headers_on_every_kind_of_response(client):
    for url in ["/", "/login", "/healthz", "/no-such-page", "/static/css/site.css"]:
        response = client.get(url)
        response.close()
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (url, name)
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_session_cookie_flags(app, client):
    from tests.conftest import csrf_token

    csrf_token(client)
    cookie = client.get_cookie("session")
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_default_language_is_chinese(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "登录" in html


def test_lang_param_switches_to_english_and_sticks(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html and "登录" not in html.split("<main")[1]
    # The choice is remembered in a cookie for the next page.
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in client.get("/?lang=zh").get_data(as_text=True)


def test_unknown_lang_param_is_ignored(client):
    response = client.get("/?lang=xx")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_lang_switch_link_keeps_page_and_query(client):
    html = client.get("/login?next=%2Fstaff%2F").get_data(as_text=True)
    assert 'href="/login?next=%2Fstaff%2F&amp;lang=en"' in html


def test_skip_link_and_landmarks(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="skip-link" href="#main"' in html
    for landmark in [
        'role="banner"',
        '<nav id="site-nav"',
        '<main id="main"',
        'role="contentinfo"',
    ]:
        assert landmark in html


def test_no_remote_assets(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html and "//cdn" not in html


@pytest.fixture(scope="module")
def error_app(tmp_path_factory):
    app = make_test_app(tmp_path_factory)

    @app.get("/boom/<int:code>")
    def boom(code):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        (403, "无权访问", "Access denied"),
        (404, "页面不存在", "Page not found"),
        (410, "页面已撤下", "Page removed"),
        (500, "服务器错误", "Server error"),
    ],
)
def test_error_pages_in_both_languages(error_app, code, zh, en):
    client = error_app.test_client()
    response = client.get(f"/boom/{code}")
    assert response.status_code == code
    assert zh in response.get_data(as_text=True)
    response = client.get(f"/boom/{code}?lang=en")
    assert response.status_code == code
    assert en in response.get_data(as_text=True)


def test_unknown_page_is_404_page(client):
    response = client.get("/definitely/not/here")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
