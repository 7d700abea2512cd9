"""Login, its throttle, logout, password change and session invalidation."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts import passwords, services, throttle
from app.accounts.models import LoginAttempt, Role, User
from app.db_types import utcnow
from app.extensions import db
from tests import factories
from tests.conftest import CSRF_RE, csrf_token, login

POLICY = throttle.ThrottlePolicy()


def _authenticate(username, password, *, ip, policy, now):
    """One login as the view runs it: admitted (or not) by the throttle, then checked."""
    ticket = services.start_login(username, ip=ip, policy=policy, now=now)
    db.session.commit()
    return services.finish_login(ticket, password, policy=policy, now=now)


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


def _en(client):
    client.set_cookie("lang", "en")
    return client


def _from(app, address: str):
    client = _en(app.test_client())
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _attempts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt))


WRONG = "Wrong username or password."
THROTTLED = "Too many failed logins: try again in"


def test_login_throttle_fifth_failure_announces_wait_and_refuses_right_password(app):
    _user(app)
    attacker = _from(app, "203.0.113.7")
    texts = [login(attacker, "alice", "bad-password").get_data(as_text=True) for _ in range(5)]
    assert [WRONG in t for t in texts] == [True, True, True, True, False]
    assert "Too many failed logins: try again in 30 seconds." in texts[4]
    response = login(attacker, "alice")
    assert response.status_code == 200
    assert THROTTLED in response.get_data(as_text=True)
    assert attacker.get("/staff/").status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User.last_login_at).where(User.username == "alice")) is None
        )
        assert _attempts() == 5  # the refused try is not counted


def test_login_throttle_owner_from_another_address_logs_in_during_attack(app):
    _user(app)
    attacker = _from(app, "203.0.113.7")
    for _attempt in range(20):
        login(attacker, "alice", "bad-password")
    owner = _from(app, "198.51.100.20")
    assert login(owner, "alice").status_code == 302
    assert owner.get("/staff/").status_code == 200
    with app.app_context():
        assert _attempts() == 5  # only the five answered failures of the attacker


def test_login_throttle_delay_doubles_per_failure_up_to_the_cap(ctx):
    factories.make_user(Role.STAFF, username="bob")
    now = utcnow()
    waits = []
    for _attempt in range(13):
        result = _authenticate("bob", "bad", ip="203.0.113.7", policy=POLICY, now=now)
        waits.append(result.retry_after)
        if result.retry_after:
            early = now + timedelta(seconds=result.retry_after - 1)
            refused = _authenticate(
                "bob", factories.DEFAULT_PASSWORD, ip="203.0.113.7", policy=POLICY, now=early
            )
            assert (refused.ok, refused.retry_after) == (False, 1)
        now += timedelta(seconds=result.retry_after or 1)
    assert waits == [None, None, None, None, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert _authenticate(
        "bob", factories.DEFAULT_PASSWORD, ip="203.0.113.7", policy=POLICY, now=now
    ).ok


def test_login_throttle_admits_five_of_eight_simultaneous_attempts(ctx):
    factories.make_user(Role.STAFF, username="bob")
    now = utcnow()
    tickets = []
    for _attempt in range(8):  # eight requests at once: all admitted before any is checked
        tickets.append(services.start_login("bob", ip="203.0.113.7", policy=POLICY, now=now))
        db.session.commit()
    results = [
        services.finish_login(ticket, factories.DEFAULT_PASSWORD, policy=POLICY, now=now)
        for ticket in tickets
    ]
    assert [ticket.wait for ticket in tickets] == [0] * 5 + [30] * 3
    assert [result.ok for result in results] == [True] * 5 + [False] * 3


def test_login_throttle_success_clears_only_that_address(ctx):
    factories.make_user(Role.STAFF, username="bob")
    now = utcnow()
    for address in ("203.0.113.7", "198.51.100.20"):
        for _attempt in range(3):
            _authenticate("bob", "bad", ip=address, policy=POLICY, now=now)
    assert _authenticate(
        "bob", factories.DEFAULT_PASSWORD, ip="198.51.100.20", policy=POLICY, now=now
    ).ok
    assert _attempts() == 3
    kept = [
        _authenticate("bob", "bad", ip="203.0.113.7", policy=POLICY, now=now).retry_after
        for _attempt in range(2)
    ]
    cleared = _authenticate("bob", "bad", ip="198.51.100.20", policy=POLICY, now=now)
    assert kept == [None, 30]  # the 4th and 5th failure there
    assert cleared.retry_after is None  # the 1st failure here


def test_login_throttle_failures_forgotten_after_a_day(ctx):
    factories.make_user(Role.STAFF, username="carol")
    start = utcnow()
    for _attempt in range(5):
        _authenticate("carol", "bad", ip="203.0.113.7", policy=POLICY, now=start)
    later = start + POLICY.memory + timedelta(seconds=1)
    result = _authenticate("carol", "bad", ip="203.0.113.7", policy=POLICY, now=later)
    assert result.retry_after is None
    assert _attempts() == 1


def test_login_throttle_per_address_cap_spans_names_and_spares_other_addresses(ctx):
    factories.make_user(Role.STAFF, username="owner")
    policy = throttle.ThrottlePolicy(per_address_hour=10)
    start = utcnow()
    results = [
        _authenticate(
            f"name{i}", "bad", ip="203.0.113.7", policy=policy, now=start + timedelta(minutes=i)
        )
        for i in range(10)
    ]
    assert [r.retry_after for r in results] == [None] * 9 + [3600 - 9 * 60]
    at = start + timedelta(minutes=10)
    assert (
        _authenticate("fresh", "bad", ip="203.0.113.7", policy=policy, now=at).retry_after
        == 3600 - 10 * 60
    )
    assert (
        _authenticate("fresh", "bad", ip="198.51.100.1", policy=policy, now=at).retry_after is None
    )
    after_hour = start + timedelta(hours=1, seconds=1)
    owner = _authenticate(
        "owner", factories.DEFAULT_PASSWORD, ip="203.0.113.7", policy=policy, now=after_hour
    )
    assert owner.ok


def _normalized(response) -> str:
    html = response.get_data(as_text=True)
    html = CSRF_RE.sub('name="csrf_token" value="-"', html)
    return html.replace("alice", "NAME").replace("nobody", "NAME")


def test_login_answers_for_unknown_and_existing_names_are_identical(app):
    _user(app)
    answers = {}
    for name, address in (("alice", "203.0.113.7"), ("nobody", "203.0.113.8")):
        client = _from(app, address)
        attempts = [login(client, name, "bad-password") for _ in range(6)]
        answers[name] = [(r.status_code, _normalized(r)) for r in attempts]
    assert answers["alice"] == answers["nobody"]
    assert THROTTLED in answers["nobody"][5][1]


class _CountingHasher:
    def __init__(self, hasher) -> None:
        self.hasher = hasher
        self.verifications = 0

    def verify(self, *args):
        self.verifications += 1
        return self.hasher.verify(*args)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_login_runs_one_hash_verification_for_unknown_existing_inactive_and_throttled(
    ctx, monkeypatch
):
    factories.make_user(Role.STAFF, username="dave")
    factories.make_user(Role.STAFF, username="erin")
    factories.make_user(Role.STAFF, username="frank", is_active=False)
    now = utcnow()
    for _attempt in range(5):
        _authenticate("erin", "bad", ip="203.0.113.7", policy=POLICY, now=now)
    counter = _CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counter)
    counts = {}
    for case, name, password in [
        ("existing, wrong", "dave", "bad"),
        ("existing, right", "dave", factories.DEFAULT_PASSWORD),
        ("unknown", "nobody", "bad"),
        ("inactive", "frank", factories.DEFAULT_PASSWORD),
        ("throttled, right", "erin", factories.DEFAULT_PASSWORD),
    ]:
        before = counter.verifications
        _authenticate(name, password, ip="203.0.113.7", policy=POLICY, now=now)
        counts[case] = counter.verifications - before
    assert counts == dict.fromkeys(counts, 1)


def test_login_renews_session_and_csrf_secret(app, client):
    _user(app)
    client.get("/review")  # an anonymous visitor id in the session before login
    with client.session_transaction() as before:
        planted = dict(before)
    old_token = csrf_token(client)
    with client.session_transaction() as before:
        old_secret = before["csrf_token"]
    assert "visitor" in planted
    response = client.post(
        "/login",
        data={"username": "alice", "password": factories.DEFAULT_PASSWORD, "csrf_token": old_token},
    )
    assert response.status_code == 302
    client.get("/")
    with client.session_transaction() as after:
        assert "visitor" not in after
        assert after.get("csrf_token") != old_secret
    refused = client.post("/logout", data={"csrf_token": old_token})
    assert refused.status_code == 400
    assert client.get("/staff/").status_code == 200


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


def _change(client, current: str):
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": current,
            "new_password": "a-brand-new-pass",
            "confirm": "a-brand-new-pass",
        },
    )


def test_password_change_throttled_after_five_wrong_current_passwords(app):
    _user(app)
    thief = _from(app, "203.0.113.7")
    assert login(thief, "alice").status_code == 302
    texts = [_change(thief, "guess-number-x").get_data(as_text=True) for _ in range(5)]
    assert ["The current password is wrong." in t for t in texts] == [True] * 4 + [False]
    assert "Too many failed logins: try again in 30 seconds." in texts[4]
    refused = _change(thief, factories.DEFAULT_PASSWORD)
    assert refused.status_code == 200
    assert THROTTLED in refused.get_data(as_text=True)
    assert 'id="current_password-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert _attempts() == 5
    assert login(_from(app, "198.51.100.20"), "alice").status_code == 302  # unchanged
