"""The staff area: every /staff page nests under one parent blueprint with one guard."""

from __future__ import annotations

from app.accounts.models import Role


def test_every_staff_url_is_served_by_a_blueprint_nested_under_staff(app):
    staff_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff")]

    assert staff_rules
    assert [r.endpoint for r in staff_rules if not r.endpoint.startswith("staff.")] == []


def test_staff_area_has_one_guard_on_the_parent_only(app):
    guarded = {name for name, funcs in app.before_request_funcs.items() if name and funcs}

    assert "staff" in guarded
    assert [name for name in guarded if name.startswith("staff.")] == []


def test_nested_staff_page_refuses_a_nominator_and_sends_anonymous_to_login(app, client, login_as):
    nominator = login_as(Role.NOMINATOR)

    assert nominator.get("/staff/nominations/").status_code == 403
    anonymous = client.get("/staff/organisations/")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
