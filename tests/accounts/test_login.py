"""Login, lockout, logout, password change and session invalidation."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts import services
from app.accounts.models import LoginFailure, Role, User
from app.audit.models import AuditEvent
from app.db_types import utcnow
from app.extensions import db
from tests import factories
from tests.conftest import csrf_token, login

POLICY = services.LockoutPolicy()


def _user(app, **kwargs) -> str:
    with app.app_context():
        return factories.make_user(
            Role.STAFF, username=kwargs.pop("username", "alice"), **kwargs
        ).username


def test_login_form_fields_are_named_as_documented(client):
    html = client.get("/login").get_data(as_text=True)
    for name in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert name in html


def test_login_success_redirects_and_records_time(app, client):
    _user(app)
    response = login(client, "alice")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.scalar(sa.select(User.last_login_at).where(User.username == "alice"))
    assert client.get("/staff/").status_code == 200


def test_login_username_is_case_insensitive(app, client):
    _user(app)
    assert login(client, "  Alice ").status_code == 302


def test_login_wrong_password_shows_message_and_keeps_username(app, client):
    _user(app)
    response = login(client, "alice", "wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名或密码错误" in html
    assert 'value="alice"' in html
    assert (
        'name="password" required type="password" value=""' in html
        or 'value="wrong-password"' not in html
    )


def test_login_unknown_user_same_message(client):
    html = login(client, "nobody", "whatever-pass").get_data(as_text=True)
    assert "用户名或密码错误" in html


def test_login_next_only_follows_local_paths(app, client):
    _user(app)
    token = csrf_token(client)
    data = {"username": "alice", "password": factories.DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"


def test_login_next_local_path_followed(app, client):
    _user(app)
    token = csrf_token(client)
    data = {"username": "alice", "password": factories.DEFAULT_PASSWORD, "csrf_token": token}
    assert client.post("/login?next=/staff/", data=data).headers["Location"] == "/staff/"


def test_lockout_after_five_failures_refuses_even_right_password(app, client):
    _user(app)
    for _attempt in range(4):
        assert "用户名或密码错误" in login(client, "alice", "bad-password").get_data(as_text=True)
    fifth = login(client, "alice", "bad-password").get_data(as_text=True)
    assert "锁定" in fifth and "15" in fifth
    response = login(client, "alice")
    assert response.status_code == 200
    assert "锁定" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "alice"))
        assert user.locked_until is not None
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "account.locked")
            )
            == 1
        )


def test_lockout_expires_after_fifteen_minutes(app, ctx):
    factories.make_user(Role.STAFF, username="bob")
    start = utcnow()
    for i in range(5):
        result = services.authenticate(
            "bob", "bad", policy=POLICY, now=start + timedelta(seconds=i)
        )
    assert result.locked_until == start + timedelta(seconds=4) + POLICY.duration
    locked = services.authenticate(
        "bob", factories.DEFAULT_PASSWORD, policy=POLICY, now=start + timedelta(minutes=14)
    )
    assert not locked.ok and locked.locked_until is not None
    later = services.authenticate(
        "bob", factories.DEFAULT_PASSWORD, policy=POLICY, now=start + timedelta(minutes=16)
    )
    assert later.ok
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0


def test_failures_outside_window_do_not_lock(app, ctx):
    factories.make_user(Role.STAFF, username="carol")
    start = utcnow()
    for i in range(6):
        result = services.authenticate(
            "carol", "bad", policy=POLICY, now=start + timedelta(minutes=4 * i)
        )
        assert result.locked_until is None, i


def test_lockout_is_per_account(app, client):
    _user(app, username="dave")
    _user(app, username="erin")
    for _attempt in range(5):
        login(client, "dave", "bad-password")
    assert login(client, "erin").status_code == 302


def test_inactive_user_cannot_log_in(app, client):
    _user(app, username="frank", is_active=False)
    assert "用户名或密码错误" in login(client, "frank").get_data(as_text=True)


def test_logout_ends_session_and_copied_cookie(app, client):
    _user(app)
    login(client, "alice")
    stolen = client.get_cookie("session").value
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/staff/").status_code == 302  # redirected to login


def test_password_change_flow(app, client):
    _user(app)
    login(client, "alice")
    other = app.test_client()
    login(other, "alice")
    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": factories.DEFAULT_PASSWORD,
            "new_password": "a-brand-new-pass",
            "confirm": "a-brand-new-pass",
        },
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200  # this session continues
    assert other.get("/staff/").status_code == 302  # the other one ended
    fresh = app.test_client()
    assert login(fresh, "alice", "a-brand-new-pass").status_code == 302


def test_password_change_wrong_current_shows_field_error(app, client):
    _user(app)
    login(client, "alice")
    token = csrf_token(client, "/account/password")
    html = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "not-my-password",
            "new_password": "a-brand-new-pass",
            "confirm": "a-brand-new-pass",
        },
    ).get_data(as_text=True)
    assert "当前密码不正确" in html
    assert 'id="current_password-error"' in html


def test_password_change_requires_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
