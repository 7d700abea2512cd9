"""Admin pages: create users, assign roles and organisations, deactivate."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.extensions import db
from tests import factories
from tests.conftest import csrf_token, login


def _user(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def test_admin_area_requires_admin(app, client, login_as):
    assert client.get("/admin/users").status_code == 302
    for role in (Role.STAFF, Role.NOMINATOR, Role.COMMITTEE):
        assert login_as(role).get("/admin/users").status_code == 403
    assert login_as(Role.ADMIN).get("/admin/users").status_code == 200


def test_staff_area_requires_staff_or_admin(client, login_as):
    assert client.get("/staff/").status_code == 302
    assert login_as(Role.NOMINATOR).get("/staff/").status_code == 403
    assert login_as(Role.COMMITTEE).get("/staff/").status_code == 403
    assert login_as(Role.STAFF).get("/staff/").status_code == 200
    assert login_as(Role.ADMIN).get("/staff/").status_code == 200


def test_admin_creates_nominator_bound_to_org(app, login_as):
    with app.app_context():
        org_id = factories.make_org(name="沙澧社区", code="shali").id
    admin = login_as(Role.ADMIN)
    token = csrf_token(admin, "/admin/users/new")
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "Shali-Nominator",
            "display_name": "沙澧社区推荐员",
            "password": "long-enough-pw",
            "roles": ["nominator"],
            "organisation_id": str(org_id),
        },
    )
    assert response.status_code == 302
    user = _user(app, "shali-nominator")
    assert user.roles == {Role.NOMINATOR}
    assert user.organisation_id == org_id
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "account.created", AuditEvent.object_id == user.id
            )
        )
        assert event.after["username"] == "shali-nominator"
        assert "password" not in str(event.after)
    client = app.test_client()
    assert login(client, "shali-nominator", "long-enough-pw").status_code == 302


def test_nominator_without_org_refused_and_input_kept(app, login_as):
    admin = login_as(Role.ADMIN)
    token = csrf_token(admin, "/admin/users/new")
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "orphan",
            "display_name": "无单位推荐员",
            "password": "long-enough-pw",
            "roles": ["nominator"],
            "organisation_id": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "推荐单位账号必须属于一个组织" in html
    assert 'id="organisation_id-error"' in html
    assert 'value="orphan"' in html and 'value="无单位推荐员"' in html
    assert _user(app, "orphan") is None


def test_duplicate_username_refused(app, login_as):
    admin = login_as(Role.ADMIN, username="root1")
    token = csrf_token(admin, "/admin/users/new")
    html = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "root1",
            "display_name": "x",
            "password": "long-enough-pw",
            "roles": ["staff"],
            "organisation_id": "",
        },
    ).get_data(as_text=True)
    assert "该用户名已被使用" in html


def test_admin_edits_roles_and_deactivates(app, login_as):
    with app.app_context():
        target = factories.make_user(Role.STAFF, username="target").id
    victim_client = app.test_client()
    login(victim_client, "target")
    assert victim_client.get("/staff/").status_code == 200
    admin = login_as(Role.ADMIN)
    token = csrf_token(admin, f"/admin/users/{target}")
    response = admin.post(
        f"/admin/users/{target}",
        data={
            "csrf_token": token,
            "display_name": "改名",
            "roles": ["committee"],
            "organisation_id": "",
            "new_password": "",
        },
    )
    assert response.status_code == 302
    user = _user(app, "target")
    assert user.is_active is False
    assert user.roles == {Role.COMMITTEE}
    assert user.display_name == "改名"
    # Deactivation ends the running session at once.
    assert victim_client.get("/staff/").status_code == 302
    assert "用户名或密码错误" in login(app.test_client(), "target").get_data(as_text=True)


def test_admin_cannot_remove_own_admin_role(app, login_as):
    admin = login_as(Role.ADMIN, username="selfadmin")
    user_id = _user(app, "selfadmin").id
    token = csrf_token(admin, f"/admin/users/{user_id}")
    html = admin.post(
        f"/admin/users/{user_id}",
        data={
            "csrf_token": token,
            "display_name": "x",
            "roles": ["staff"],
            "organisation_id": "",
            "is_active": "y",
        },
    ).get_data(as_text=True)
    assert "不能取消自己的管理员权限" in html
    assert _user(app, "selfadmin").roles == {Role.ADMIN}


def test_edit_unknown_user_is_404(login_as):
    assert login_as(Role.ADMIN).get("/admin/users/999999").status_code == 404


def test_admin_sets_and_changes_a_members_email_and_a_bad_one_is_refused_next_to_the_field(
    app, login_as
):
    admin = login_as(Role.ADMIN)
    token = csrf_token(admin, "/admin/users/new")
    data = {
        "csrf_token": token,
        "username": "mail-staff",
        "display_name": "秘书处",
        "password": "long-enough-pw",
        "roles": ["staff"],
        "organisation_id": "",
        "email": "not-an-address",
    }
    html = admin.post("/admin/users/new", data=data).get_data(as_text=True)
    assert 'id="email-error"' in html and 'value="not-an-address"' in html
    assert _user(app, "mail-staff") is None
    response = admin.post("/admin/users/new", data={**data, "email": "staff@luohe.example"})
    assert response.status_code == 302
    user = _user(app, "mail-staff")
    assert user.email == "staff@luohe.example"
    edit = {
        "csrf_token": token,
        "display_name": "秘书处",
        "roles": ["staff"],
        "organisation_id": "",
        "is_active": "y",
        "email": "office@luohe.example",
    }
    assert admin.post(f"/admin/users/{user.id}", data=edit).status_code == 302
    assert _user(app, "mail-staff").email == "office@luohe.example"
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.object_id == user.id)
        ).all()
        assert "luohe.example" not in repr([(e.before, e.after) for e in events])
