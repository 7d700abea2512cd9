"""No form answers 500 to malformed input: wrong types, over-long strings, missing fields."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests import factories
from tests.conftest import csrf_token

LONG = "长" * 5000
FORMS = ["/account/password", "/admin/users/new", "/staff/organisations/"]
PAYLOADS = [
    {},
    {"username": LONG, "password": LONG},
    {"username": "", "password": ""},
    {"roles": ["superuser", "admin"], "organisation_id": "abc", "kind": "planet"},
    {"organisation_id": "99999999999999999999", "parent_id": "-1", "kind": ""},
    {"display_name": LONG, "code": "'; DROP TABLE users; --", "name": "<script>x</script>"},
    {"is_active": "maybe", "new_password": "\x00\x01", "current_password": LONG},
    {"username": "a\x00b", "password": "\u202e\ufeff"},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_forms_never_500(app, login_as, payload):
    client = login_as(Role.ADMIN)
    with app.app_context():
        user_id = factories.make_user(Role.STAFF).id
    anonymous = app.test_client()
    targets = [(anonymous, "/login")] + [(client, url) for url in FORMS]
    for who, url in [*targets, (client, f"/admin/users/{user_id}")]:
        token = csrf_token(who, url)
        response = who.post(url, data={**payload, "csrf_token": token})
        assert response.status_code < 500, (url, payload, response.status_code)


def test_bad_query_strings_never_500(client):
    for url in ["/?lang=%ff", "/login?next=%00", "/login?next=" + "x" * 5000, "/?page=-1"]:
        assert client.get(url).status_code < 500, url


def test_non_numeric_ids_are_404(login_as):
    client = login_as(Role.ADMIN)
    assert client.get("/admin/users/abc").status_code == 404
    assert client.get("/admin/users/99999999999999999999999").status_code == 404


def test_invalid_utf8_body_never_500(app):
    client = app.test_client()
    token = csrf_token(client, "/login")
    body = f"username=%ff%fe&password=%c3%28&csrf_token={token}"
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)
