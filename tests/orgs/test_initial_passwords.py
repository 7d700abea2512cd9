"""One-time initial passwords: shown once, printable per unit, changed at first login."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.services import PASSWORD_ALPHABET, new_initial_password
from tests.conftest import csrf_token, login
from tests.orgs.support import PASSWORD_RE, import_file, small_tree, workbook

ACCOUNTS = [
    ("ss-1", "张三", "lh-yh-mf-ss", "", ""),
    ("ss-2", "李四", "lh-yh-mf-ss", "", ""),
    ("school-1", "王老师", "lh-school-1", "w@example.cn", "0395-1234567"),
]


def _import(login_as):
    staff = login_as(Role.STAFF)
    html = import_file(staff, workbook(small_tree(), ACCOUNTS)).get_data(as_text=True)
    return staff, html


def _password_of(html: str, username: str) -> str:
    row = html[html.index(f"<code>{username}</code>") :]
    return PASSWORD_RE.search(row).group(1)


def test_initial_password_is_readable_and_random():
    passwords = {new_initial_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 14 and password.count("-") == 2
        assert set(password.replace("-", "")) <= set(PASSWORD_ALPHABET)
    assert not set("0O1lI") & set(PASSWORD_ALPHABET)


def test_passwords_page_groups_per_unit_and_is_not_stored(app, login_as):
    staff, html = _import(login_as)
    assert html.count('class="password-unit"') == 2
    assert len(PASSWORD_RE.findall(html)) == 3
    password = _password_of(html, "ss-1")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "ss-1"))
        assert user.must_change_password
        assert password not in user.password_hash
        assert user.roles == frozenset({Role.NOMINATOR})
        assert user.organisation.code == "lh-yh-mf-ss"
        school = db.session.scalar(sa.select(User).where(User.username == "school-1"))
        assert (school.email, school.phone) == ("w@example.cn", "0395-1234567")
        audit = db.session.scalars(sa.select(AuditEvent)).all()
        assert all(password not in repr((e.before, e.after, e.reason)) for e in audit)
    # Shown once: the page cannot be fetched again and was sent uncached.
    assert staff.get("/staff/organisations/import").status_code == 200
    assert password not in staff.get("/staff/organisations/import").get_data(as_text=True)


def test_first_login_with_initial_password_forces_change_then_old_one_stops_working(app, login_as):
    _staff, html = _import(login_as)
    password = _password_of(html, "ss-1")
    client = app.test_client()
    assert login(client, "ss-1", password).status_code == 302
    assert client.get("/nominations/").headers["Location"].endswith("/account/password")
    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": password,
            "new_password": "my-own-secret-pass",
            "confirm": "my-own-secret-pass",
        },
    )
    assert response.status_code == 302
    assert client.get("/nominations/").status_code == 200
    assert login(app.test_client(), "ss-1", password).status_code == 200  # refused
    assert login(app.test_client(), "ss-1", "my-own-secret-pass").status_code == 302


def test_staff_issue_new_passwords_only_for_accounts_never_logged_in(app, login_as):
    staff, html = _import(login_as)
    first = _password_of(html, "ss-1")
    old_two = _password_of(html, "ss-2")
    assert login(app.test_client(), "ss-1", first).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "ss-1"))
        org_id, hash_one = user.organisation_id, user.password_hash
    url = f"/staff/organisations/{org_id}"
    token = csrf_token(staff, url)
    response = staff.post(f"{url}/passwords", data={"csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "<code>ss-1</code>" not in page
    new_two = _password_of(page, "ss-2")
    assert new_two != old_two
    assert login(app.test_client(), "ss-2", old_two).status_code == 200  # refused
    assert login(app.test_client(), "ss-2", new_two).status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User.password_hash).where(User.username == "ss-1"))
            == hash_one
        )
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "account.initial_password_issued")
        )
        assert event.after == {"org": "lh-yh-mf-ss"}
