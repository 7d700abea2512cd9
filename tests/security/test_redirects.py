"""Redirects whose target comes from the request (`next`, `back`) stay on this site."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.core.urls import local_target
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.programs.workflow import CyclePhase
from app.review.models import Like
from tests import factories
from tests.conftest import csrf_token, login

# Each one leads a browser off the site: browsers drop tab/CR/LF inside URLs, read "\" as
# "/", and take "//host" (however reached) as another host.
OFF_SITE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "//evil.example",
    "///evil.example",
    "//evil.example/staff/",
    "https://evil.example/",
    "http:evil.example",
    "https:/\\evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
    None,
]
# The same, as they arrive in a query string (decoded by the request).
OFF_SITE_ENCODED = [
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "/%0B/evil.example",  # the clean request drops the vertical tab: "//evil.example"
    "%09//evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "%2F%2Fevil.example",
    "%2F%09%2Fevil.example",
    "//evil.example",
    "https%3A%2F%2Fevil.example",
    "/%E3%80%80/x%0A",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_local_target_refuses_off_site_targets(target):
    assert local_target(target, "/fallback") == "/fallback"


@pytest.mark.parametrize(
    "target",
    ["/", "/staff/", "/staff/nominations/?state=submitted&page=2", "/honorees/a%2Fb", "/%2F/x"],
)
def test_local_target_keeps_site_paths(target):
    assert local_target(target, "/fallback") == target


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/review", "/review"),
        ("/review/12?x=1", "/review/12?x=1"),
        ("/reviews-elsewhere", "/fallback"),
        ("/staff/", "/fallback"),
    ],
)
def test_local_target_within_a_prefix(target, expected):
    assert local_target(target, "/fallback", under="/review") == expected


def _staff(app) -> str:
    with app.app_context():
        return factories.make_user(Role.STAFF, username="redirected").username


@pytest.mark.parametrize("encoded", OFF_SITE_ENCODED)
def test_login_next_off_site_redirects_home(app, client, encoded):
    _staff(app)
    token = csrf_token(client)
    data = {"username": "redirected", "password": factories.DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post(f"/login?next={encoded}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/staff/").status_code == 200  # logged in all the same
    again = client.get(f"/login?next={encoded}")  # already logged in: the other branch
    assert (again.status_code, again.headers["Location"]) == (302, "/")


def test_login_next_site_path_is_followed(app, client):
    _staff(app)
    login(client, "redirected")
    response = client.get("/login?next=%2Fstaff%2Fnominations%2F%3Fstate%3Dsubmitted")
    assert response.headers["Location"] == "/staff/nominations/?state=submitted"


def _candidate(app) -> int:
    with app.app_context():
        cycle = factories.make_open_cycle(factories.make_program(public_review=True))
        nomination = factories.make_nomination(
            cycle, name="跳转候选", id_number=None, state=NominationState.QUALIFIED
        )
        cycle.state = CyclePhase.PUBLIC_REVIEW  # arranged directly: the phase under test
        db.session.commit()
        return nomination.id


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/\t/evil.example", "/review"),
        ("//evil.example/review", "/review"),
        ("/review\\..\\..\\\\evil.example", "/review"),
        ("https://evil.example/review", "/review"),
        ("/reviewer", "/review"),
        ("/review/7", "/review/7"),
    ],
)
def test_like_back_stays_in_the_review(app, client, back, expected):
    nomination_id = _candidate(app)
    token = csrf_token(client, "/review")
    response = client.post(
        f"/review/{nomination_id}/like", data={"csrf_token": token, "back": back}
    )
    assert response.headers["Location"] == f"{expected}#candidate-{nomination_id}"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Like)) == 1


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/\t/evil.example/staff/nominations", "/staff/nominations/"),
        ("/\\evil.example", "/staff/nominations/"),
        ("/staff/nominationsx", "/staff/nominations/"),
        ("/staff/nominations/?state=submitted", "/staff/nominations/?state=submitted"),
    ],
)
def test_bulk_qualify_back_stays_in_the_vetting_queue(app, login_as, back, expected):
    with app.app_context():
        cycle = factories.make_open_cycle(factories.make_program())
        nomination_id = factories.make_nomination(
            cycle, id_number=None, state=NominationState.SUBMITTED
        ).id
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, "/staff/nominations/")
    response = staff.post(
        "/staff/nominations/bulk-qualify",
        data={"csrf_token": token, "ids": [str(nomination_id)], "back": back},
    )
    assert response.headers["Location"] == expected
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).state is NominationState.QUALIFIED
