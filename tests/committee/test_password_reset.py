"""Issue 12: an admin who resets a member's password cannot read that member's ballot."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.committee.models import Ballot
from app.extensions import db
from app.notifications.models import Notification
from tests import factories
from tests.conftest import csrf_token, login

RESET_PASSWORD = "admin-knows-this-one"  # noqa: S105 - test fixture
OWN_PASSWORD = "only-i-know-this-one"  # noqa: S105 - test fixture


def _client(app, username, password=factories.DEFAULT_PASSWORD):
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert login(client, username, password).status_code == 302
    return client


def _reset(app, username):
    """An administrator sets the member's password through the admin page."""
    with app.app_context():
        factories.make_user(Role.ADMIN, username="reset-admin")
        user = db.session.scalar(sa.select(User).where(User.username == username))
        user_id, display_name = user.id, user.display_name
    admin = _client(app, "reset-admin")
    response = admin.post(
        f"/admin/users/{user_id}",
        data={
            "csrf_token": csrf_token(admin, f"/admin/users/{user_id}"),
            "display_name": display_name,
            "roles": ["committee"],
            "organisation_id": "",
            "is_active": "y",
            "new_password": RESET_PASSWORD,
        },
    )
    assert response.status_code == 302
    return user_id


def test_admin_reset_forces_new_password_and_notifies_member(app, voting):
    user_id = _reset(app, voting.member_usernames[1])
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.must_change_password, user.password_reset_at is not None) == (True, True)
        subjects = db.session.scalars(
            sa.select(Notification.subject).where(Notification.user_id == user_id)
        ).all()
        assert subjects == ["Your password was reset by an administrator"]
    session = _client(app, voting.member_usernames[1], RESET_PASSWORD)
    for url in (f"/committee/cycles/{voting.cycle_id}", "/committee/", "/inbox", "/"):
        response = session.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/account/password", url
    changed = session.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(session, "/account/password"),
            "current_password": RESET_PASSWORD,
            "new_password": OWN_PASSWORD,
            "confirm": OWN_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert session.get(f"/committee/cycles/{voting.cycle_id}").status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).must_change_password is False


def test_session_using_reset_password_sees_no_ballot_content(app, voting):
    member = voting.member_usernames[1]
    chosen = voting.candidate_ids[2]
    judge = _client(app, member)
    judge.post(
        f"/committee/cycles/{voting.cycle_id}",
        data={
            "csrf_token": csrf_token(judge, f"/committee/cycles/{voting.cycle_id}"),
            "approve": [str(chosen)],
        },
    )
    own_page = judge.get(f"/committee/cycles/{voting.cycle_id}").get_data(as_text=True)
    assert f'value="{chosen}" checked' in own_page
    _reset(app, member)
    intruder = _client(app, member, RESET_PASSWORD)
    intruder.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(intruder, "/account/password"),
            "current_password": RESET_PASSWORD,
            "new_password": OWN_PASSWORD,
            "confirm": OWN_PASSWORD,
        },
    )
    page = intruder.get(f"/committee/cycles/{voting.cycle_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'value="{chosen}"' in html and " checked" not in html
    assert "the choices of the ballot saved before then are not shown" in html
    with app.app_context():  # the member's ballot still counts, untouched
        ballot = db.session.scalars(sa.select(Ballot)).one()
        assert (ballot.content, ballot.version) == ({"approvals": [chosen]}, 1)


def test_ballot_cast_after_reset_is_shown_back(app, voting):
    member = voting.member_usernames[1]
    _reset(app, member)
    session = _client(app, member, RESET_PASSWORD)
    session.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(session, "/account/password"),
            "current_password": RESET_PASSWORD,
            "new_password": OWN_PASSWORD,
            "confirm": OWN_PASSWORD,
        },
    )
    chosen = voting.candidate_ids[0]
    session.post(
        f"/committee/cycles/{voting.cycle_id}",
        data={
            "csrf_token": csrf_token(session, f"/committee/cycles/{voting.cycle_id}"),
            "approve": [str(chosen)],
        },
    )
    html = session.get(f"/committee/cycles/{voting.cycle_id}").get_data(as_text=True)
    assert f'value="{chosen}" checked' in html
