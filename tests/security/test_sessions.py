"""Sessions, the login throttle and response headers, as an attacker would probe them.

Already covered and not repeated: a copied cookie dies at logout, the *other* session dies
at password change and the login throttle after five failures refuses the right password
from that address (tests/accounts/test_login.py); headers on /, /login, /healthz, one 404
and one static file and the anonymous session cookie's flags (tests/core/test_frame.py). Here: a
cookie copied before each session-ending event (logout, password change, deactivation,
admin password reset, role change) can neither read nor write afterwards; the login
throttle's threshold comes from the configuration, holds across spellings and spares the
owner's address; the security headers are on every GET route of the URL map, every error
page and every other kind of response; the cookies set at login carry HttpOnly and
SameSite=Lax (and Secure when configured).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.accounts.models import Role, User
from app.core.frame import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from app.core.uploads import store_photo
from app.extensions import db
from app.nominations.models import NominationPhoto
from app.registry.models import Honoree
from tests import factories
from tests.conftest import CSRF_RE, csrf_token, login, make_test_app
from tests.security.world import AREA_ROLES, area_of, get_rules, load_world, urls_for

NEW_PASSWORD = "another-long-passphrase"
PRIVATE_AREAS = {"/admin", "/staff", "/committee", "/nominations", "/inbox", "/account"}


# --- copied session cookies ---------------------------------------------------------------


def _logged_in(app, username: str, remote: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote
    assert login(client, username).status_code == 302
    return client


def _thief_of(app, victim_client):
    """A fresh client (another machine) carrying the victim's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", victim_client.get_cookie("session").value)
    return thief


def _password_hash(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.password_hash).where(User.username == username))


def _admin_edit(app, admin, user_id: int, **changes):
    data = {"display_name": "测试用户", "roles": ["staff"], "organisation_id": "", "is_active": "y"}
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    data["csrf_token"] = csrf_token(admin, f"/admin/users/{user_id}")
    return admin.post(f"/admin/users/{user_id}", data=data)


def _end_by_logout(app, victim, _user_id):
    assert victim.post("/logout", data={"csrf_token": csrf_token(victim, "/")}).status_code == 302


def _end_by_password_change(app, victim, _user_id):
    response = victim.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(victim, "/account/password"),
            "current_password": factories.DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert victim.get("/staff/").status_code == 200  # the changer's own session goes on


def _end_by_deactivation(app, _victim, user_id):
    admin = _logged_in(app, "admin-x")
    assert _admin_edit(app, admin, user_id, is_active=None).status_code == 302


def _end_by_admin_password_reset(app, _victim, user_id):
    admin = _logged_in(app, "admin-x")
    assert _admin_edit(app, admin, user_id, new_password=NEW_PASSWORD).status_code == 302


def _end_by_role_change(app, _victim, user_id):
    admin = _logged_in(app, "admin-x")
    assert _admin_edit(app, admin, user_id, roles=["staff", "committee"]).status_code == 302


ENDINGS = {
    "logout": _end_by_logout,
    "password_change": _end_by_password_change,
    "deactivation": _end_by_deactivation,
    "admin_password_reset": _end_by_admin_password_reset,
    "role_change": _end_by_role_change,
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_cookie_copied_before_session_ends_can_neither_read_nor_write(app, ending):
    with app.app_context():
        user_id = factories.make_user(Role.STAFF, username="victim").id
        factories.make_user(Role.ADMIN, username="admin-x")
    victim = _logged_in(app, "victim")
    thief = _thief_of(app, victim)
    token = csrf_token(thief, "/account/password")  # valid while the session lives
    assert thief.get("/staff/").status_code == 200  # the copy works until the event

    ENDINGS[ending](app, victim, user_id)

    for url in ["/staff/", "/staff/nominations/", "/account/password", "/inbox"]:
        response = thief.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert "/login" in response.headers["Location"]
    before = _password_hash(app, "victim")
    attempt = thief.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": factories.DEFAULT_PASSWORD,
            "new_password": "thief-owns-this-account",
            "confirm": "thief-owns-this-account",
        },
    )
    assert attempt.status_code in (302, 400)
    assert attempt.status_code == 400 or "/login" in attempt.headers["Location"]
    assert _password_hash(app, "victim") == before


def test_deactivated_account_cannot_log_in_again(app):
    with app.app_context():
        user_id = factories.make_user(Role.STAFF, username="victim").id
        factories.make_user(Role.ADMIN, username="admin-x")
    _end_by_deactivation(app, None, user_id)
    fresh = app.test_client()
    assert login(fresh, "victim").status_code == 200
    assert fresh.get("/staff/").status_code == 302


# --- login throttle -----------------------------------------------------------------------


def test_login_throttle_threshold_comes_from_config_holds_across_spellings_spares_owner(
    app, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES", 3)
    with app.app_context():
        factories.make_user(Role.STAFF, username="locky")
    attacker = app.test_client()
    attacker.set_cookie("lang", "en")
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for _attempt in range(2):
        html = login(attacker, "locky", "wrong-guess").get_data(as_text=True)
        assert "Wrong username or password." in html and "Too many failed logins" not in html
    assert "Too many failed logins" in login(attacker, "locky", "wrong-guess").get_data(
        as_text=True
    )

    # The attacker, with the right password and other spellings, is held off...
    for username in ["locky", "LOCKY", "  Locky "]:
        response = login(attacker, username)
        assert response.status_code == 200
        assert "Too many failed logins" in response.get_data(as_text=True)
        assert attacker.get("/staff/").status_code == 302
    # ...while the owner, from another address, logs in.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert login(owner, "Locky").status_code == 302
    assert owner.get("/staff/").status_code == 200


def test_password_spraying_from_one_address_is_throttled(app):
    with app.app_context():
        factories.make_user(Role.STAFF, username="sprayed")
    sprayer = app.test_client()
    sprayer.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    token = csrf_token(sprayer)
    statuses = [
        sprayer.post(
            "/login",
            data={"csrf_token": token, "username": f"user{i}", "password": "Password1"},
        ).status_code
        for i in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    # The right password does not get through the throttle either.
    blocked = login(sprayer, "sprayed")
    assert blocked.status_code == 429
    _assert_security_headers(blocked, "429")
    assert "请求过于频繁" in blocked.get_data(as_text=True)


# --- security headers on every kind of response -------------------------------------------


def _assert_security_headers(response, where) -> None:
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (where, name, headers.get(name))
    directives = dict(
        part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    for weak in ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"):
        assert weak not in CONTENT_SECURITY_POLICY.split(), weak
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    assert "Strict-Transport-Security" not in headers  # plain http here: see the https test


@pytest.fixture
def world(app):
    world = load_world(app)
    yield world
    world.close()


def test_security_headers_on_every_get_route_for_every_role(app, world):
    checked = 0
    for rule in get_rules(app):
        for url in urls_for(rule, world.samples):
            area = area_of(url)
            for role in {"anonymous", *AREA_ROLES[area]}:
                response = world.clients[role].get(url)
                response.close()
                _assert_security_headers(response, (url, role, response.status_code))
                if role != "anonymous" and area in PRIVATE_AREAS:
                    cache_control = response.headers.get("Cache-Control", "")
                    assert "public" not in cache_control, (url, cache_control)
                    assert "private" in cache_control or "no-store" in cache_control, url
                checked += 1
    assert checked > 300


def test_security_headers_on_error_pages(app, client, monkeypatch):
    responses = {
        "404": client.get("/no/such/page"),
        "404 api": client.get("/api/v1/honorees/no-such-slug"),
        "405": client.get("/logout"),
        "400 csrf": client.post("/login", data={"username": "x", "password": "y"}),
        "400 csrf api-less": client.post("/recommend", data={"csrf_token": "forged"}),
        "413": client.post(
            "/login",
            data=b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1),
            content_type="application/x-www-form-urlencoded",
        ),
    }
    assert [r.status_code for r in responses.values()] == [404, 404, 405, 400, 400, 413]
    for where, response in responses.items():
        _assert_security_headers(response, where)
    assert responses["404 api"].mimetype == "application/json"
    assert "请求有误" in responses["400 csrf"].get_data(as_text=True)

    def database_down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", database_down)
    down = client.get("/healthz")
    assert down.status_code == 503
    _assert_security_headers(down, "503")


def test_security_headers_on_server_error_page(tmp_path_factory):
    error_app = make_test_app(tmp_path_factory)
    error_app.config["PROPAGATE_EXCEPTIONS"] = False

    @error_app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = error_app.test_client().get("/boom")
    assert response.status_code == 500
    _assert_security_headers(response, "500")
    assert "服务器错误" in response.get_data(as_text=True)


def test_security_headers_on_files_feeds_api_and_streams(app, world, login_as):
    anonymous, staff = world.clients["anonymous"], world.clients["staff"]
    slug, honor_id = world.samples["slug"][0], world.samples["honor_id"][0]
    with app.app_context():
        honoree = db.session.scalar(sa.select(Honoree).where(Honoree.slug == slug))
        stored = store_photo(factories.jpeg_bytes(), Path(app.instance_path) / "uploads")
        honoree.photo_path, honoree.photo_thumb_path = stored.path, stored.thumb_path
        honoree.photo_width, honoree.photo_height = stored.width, stored.height
        db.session.commit()
    nominator = world.clients["nominator"]
    photo_id = world.samples["photo_id"][0]
    with app.app_context():
        nomination_id = db.session.get(NominationPhoto, int(photo_id)).nomination_id
    import_csv = "姓名,评选项目,期次\n".encode()
    kinds = {
        "static css": (anonymous, "GET", "/static/css/site.css", {}),
        "feed": (anonymous, "GET", "/feed.atom", {}),
        "api list": (anonymous, "GET", "/api/v1/honorees", {}),
        "openapi": (anonymous, "GET", "/api/v1/openapi.json", {}),
        "healthz": (anonymous, "GET", "/healthz", {}),
        "csv": (anonymous, "GET", "/roll.csv", {}),
        "honoree photo": (anonymous, "GET", f"/honorees/{slug}/photo", {}),
        "certificate pdf": (anonymous, "GET", f"/honorees/{slug}/certificates/{honor_id}.pdf", {}),
        "nomination photo": (
            nominator,
            "GET",
            f"/nominations/{nomination_id}/photos/{photo_id}",
            {},
        ),
        "xlsx export": (staff, "GET", "/staff/nominations/export.xlsx", {}),
        "HEAD": (anonymous, "HEAD", "/", {}),
        "OPTIONS": (anonymous, "OPTIONS", "/login", {}),
        "redirect": (anonymous, "GET", "/staff/", {}),
        "streamed import": (
            staff,
            "POST",
            "/staff/import",
            {
                "data": {
                    "csrf_token": csrf_token(staff, "/staff/import"),
                    "mode": "check",
                    "file": (io.BytesIO(import_csv), "empty.csv"),
                },
                "content_type": "multipart/form-data",
            },
        ),
    }
    for where, (client, method, url, extra) in kinds.items():
        response = client.open(url, method=method, **extra)
        response.get_data()
        response.close()
        assert response.status_code in (200, 302), (where, response.status_code)
        _assert_security_headers(response, where)


def test_hsts_only_over_https(client):
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/").headers


# --- cookie flags -------------------------------------------------------------------------


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_login_sets_httponly_lax_session_cookie_without_domain(app):
    with app.app_context():
        factories.make_user(Role.STAFF, username="cookie")
    client = app.test_client()
    response = login(client, "cookie")
    cookie = _set_cookies(response)["session"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and "SameSite=Lax" in cookie
    assert "domain" not in attributes  # host-only: no sibling subdomain receives it
    assert "secure" not in attributes  # SESSION_COOKIE_SECURE is off by default (http)
    lang = _set_cookies(client.get("/?lang=en"))["lang"]
    assert "HttpOnly" in lang and "SameSite=Lax" in lang


def test_session_cookie_secure_when_configured(tmp_path_factory):
    secure_app = make_test_app(tmp_path_factory, SESSION_COOKIE_SECURE=True)
    with secure_app.app_context():
        db.create_all()
        factories.make_user(Role.STAFF, username="secure-cookie")
    client = secure_app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "secure-cookie",
            "password": factories.DEFAULT_PASSWORD,
        },
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # checked on https (WTF_CSRF_SSL_STRICT)
    )
    assert response.status_code == 302
    cookie = _set_cookies(response)["session"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
