"""Staff manage the organisation tree: create, edit, move, deactivate, list."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from tests import factories
from tests.conftest import csrf_token, login
from tests.test_query_counts import count_queries


def _tree(app):
    """city → district (yh) → township (yh-mf) → community (yh-mf-ss); work unit under city."""
    with app.app_context():
        city = factories.make_org(name="漯河市", kind=OrgKind.CITY, code="lh")
        district = factories.make_org(name="源汇区", kind=OrgKind.DISTRICT, parent=city, code="yh")
        other = factories.make_org(name="郾城区", kind=OrgKind.DISTRICT, parent=city, code="yc")
        town = factories.make_org(
            name="马路街", kind=OrgKind.TOWNSHIP, parent=district, code="yh-mf"
        )
        factories.make_org(name="顺山社区", kind=OrgKind.COMMUNITY, parent=town, code="yh-mf-ss")
        return {"city": city.id, "yh": district.id, "yc": other.id, "town": town.id}


def _org(app, code):
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
        db.session.expunge_all()
        return org


def _post(client, url, data, form_url=None):
    token = csrf_token(client, (form_url or url) + "?lang=en")
    return client.post(url, data={"csrf_token": token, **data})


def test_staff_creates_school_under_district(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    response = _post(
        staff,
        "/staff/organisations/",
        {"name": "实验小学", "code": "yh-school", "kind": "school", "parent_id": str(ids["yh"])},
    )
    assert response.status_code == 302
    org = _org(app, "yh-school")
    assert (org.kind, org.parent_id, org.district_id) == (OrgKind.SCHOOL, ids["yh"], ids["yh"])


def test_create_under_wrong_parent_kind_refused_next_to_field_with_input_kept(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    html = _post(
        staff,
        "/staff/organisations/",
        {"name": "错误街道", "code": "bad-one", "kind": "township", "parent_id": str(ids["town"])},
    ).get_data(as_text=True)
    assert "This kind of organisation cannot be placed there." in html
    assert 'value="错误街道"' in html
    assert _org(app, "bad-one") is None


def test_create_duplicate_code_and_name_refused_next_to_fields(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    html = _post(
        staff,
        "/staff/organisations/",
        {"name": "新社区", "code": "yh-mf-ss", "kind": "community", "parent_id": str(ids["town"])},
    ).get_data(as_text=True)
    assert '<p class="error" id="code-error">This code is taken.</p>' in html
    html = _post(
        staff,
        "/staff/organisations/",
        {
            "name": "顺山社区",
            "code": "yh-mf-new",
            "kind": "community",
            "parent_id": str(ids["town"]),
        },
    ).get_data(as_text=True)
    assert (
        '<p class="error" id="name-error">The parent already has an organisation of this name.'
        in html
    )


def test_staff_edits_name_and_code_audited(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    url = f"/staff/organisations/{ids['town']}"
    assert _post(staff, url, {"name": "马路街街道", "code": "yh-mlj"}).status_code == 302
    org = _org(app, "yh-mlj")
    assert (org.id, org.name) == (ids["town"], "马路街街道")
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "organisation.updated")
        )
        assert event.before == {"code": "yh-mf", "name": "马路街"}


def test_edit_to_a_taken_code_refused_next_to_field(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    url = f"/staff/organisations/{ids['town']}"
    html = _post(staff, url, {"name": "马路街", "code": "yc"}).get_data(as_text=True)
    assert '<p class="error" id="code-error">This code is taken.</p>' in html
    assert _org(app, "yh-mf").id == ids["town"]


def test_move_township_to_other_district_updates_whole_subtree_district(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    url = f"/staff/organisations/{ids['town']}/move"
    response = _post(
        staff, url, {"parent_id": str(ids["yc"])}, f"/staff/organisations/{ids['town']}"
    )
    assert response.status_code == 302
    assert (_org(app, "yh-mf").parent_id, _org(app, "yh-mf").district_id) == (ids["yc"], ids["yc"])
    assert _org(app, "yh-mf-ss").district_id == ids["yc"]


def test_move_under_own_descendant_refused_as_cycle(app, login_as):
    ids = _tree(app)
    with app.app_context():
        town = db.session.get(Organisation, ids["town"])
        factories.make_org(name="某单位", kind=OrgKind.WORK_UNIT, parent=town, code="yh-mf-unit")
    staff = login_as(Role.STAFF)
    # A district under a work unit inside it: the cycle is refused before the kind check.
    unit = _org(app, "yh-mf-unit").id
    url = f"/staff/organisations/{ids['yh']}/move"
    response = _post(staff, url, {"parent_id": str(unit)}, f"/staff/organisations/{ids['yh']}")
    assert response.status_code == 400
    assert "cannot be moved under itself or one of its own units" in response.get_data(as_text=True)
    assert _org(app, "yh").parent_id == ids["city"]


def test_move_to_a_parent_of_the_wrong_kind_refused(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    url = f"/staff/organisations/{ids['town']}/move"
    response = _post(
        staff, url, {"parent_id": str(ids["city"])}, f"/staff/organisations/{ids['town']}"
    )
    assert response.status_code == 400
    assert "This kind of organisation cannot be placed there." in response.get_data(as_text=True)
    assert _org(app, "yh-mf").parent_id == ids["yh"]


def test_deactivate_keeps_history_and_deactivates_nominators(app, login_as):
    _tree(app)
    with app.app_context():
        community = db.session.scalar(
            sa.select(Organisation).where(Organisation.code == "yh-mf-ss")
        )
        nominator = factories.make_user(
            Role.NOMINATOR, username="ss-nominator", organisation=community
        )
        cycle = factories.make_open_cycle()
        nomination = factories.make_nomination(cycle, organisation=community)
        nomination_id, community_id = nomination.id, community.id
        assert nominator.is_active
    nominator_client = app.test_client()
    assert login(nominator_client, "ss-nominator").status_code == 302
    staff = login_as(Role.STAFF)
    url = f"/staff/organisations/{community_id}/deactivate"
    assert _post(staff, url, {}, f"/staff/organisations/{community_id}").status_code == 302
    with app.app_context():
        from app.nominations.models import Nomination

        assert db.session.get(Nomination, nomination_id).organisation_id == community_id
        assert not db.session.get(Organisation, community_id).is_active
        user = db.session.scalar(sa.select(User).where(User.username == "ss-nominator"))
        assert not user.is_active
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.object_id.in_([community_id, user.id]))
        ).all()
        assert {"organisation.deactivated", "account.updated"} <= set(actions)
    assert nominator_client.get("/nominations/").status_code == 302  # logged out
    assert login(app.test_client(), "ss-nominator").status_code == 200  # refused


def test_deactivated_unit_cannot_nominate(app):
    from app.accounts.permissions import can_nominate

    with app.app_context():
        org = factories.make_org()
        user = factories.make_user(Role.NOMINATOR, organisation=org)
        assert can_nominate(user)
        org.is_active = False
        assert not can_nominate(user)


def test_deactivate_refused_while_active_units_below(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    url = f"/staff/organisations/{ids['town']}/deactivate"
    _post(staff, url, {}, f"/staff/organisations/{ids['town']}")
    assert _org(app, "yh-mf").is_active


def test_reactivate_unit(app, login_as):
    _tree(app)
    community = _org(app, "yh-mf-ss").id
    staff = login_as(Role.STAFF)
    form = f"/staff/organisations/{community}"
    _post(staff, f"{form}/deactivate", {}, form)
    assert not _org(app, "yh-mf-ss").is_active
    assert _post(staff, f"{form}/reactivate", {}, form).status_code == 302
    assert _org(app, "yh-mf-ss").is_active


def test_list_filters_by_kind_district_and_name(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    html = staff.get("/staff/organisations/?kind=community&lang=en").get_data(as_text=True)
    assert "顺山社区</a>" in html and "马路街</a>" not in html
    html = staff.get(f"/staff/organisations/?district_id={ids['yc']}").get_data(as_text=True)
    assert "顺山社区</a>" not in html and "郾城区</a>" in html
    html = staff.get("/staff/organisations/?q=顺山").get_data(as_text=True)
    assert "顺山社区</a>" in html and "源汇区</a>" not in html


def test_list_shows_children_under_parents_by_code_indented_by_depth(app, login_as):
    _tree(app)
    html = login_as(Role.STAFF).get("/staff/organisations/").get_data(as_text=True)
    order = [
        html.index(name)
        for name in ("漯河市</a>", "郾城区</a>", "源汇区</a>", "马路街</a>", "顺山社区</a>")
    ]
    assert order == sorted(order)
    assert 'class="org-depth-3"><a href' in html


def test_organisation_pages_refused_to_nominators_and_committee(login_as):
    for role in (Role.NOMINATOR, Role.COMMITTEE):
        assert login_as(role).get("/staff/organisations/").status_code == 403


def test_organisation_list_query_count_is_flat(app, login_as):
    ids = _tree(app)
    staff = login_as(Role.STAFF)
    url = "/staff/organisations/"
    staff.get(url)
    with count_queries(app) as small:
        assert staff.get(url).status_code == 200
    with app.app_context():
        town = db.session.get(Organisation, ids["town"])
        for i in range(30):
            org = factories.make_org(name=f"社区{i}", parent=town, code=f"qc-{i}")
            factories.make_user(Role.NOMINATOR, organisation=org)
    with count_queries(app) as large:
        assert staff.get(url).status_code == 200
    assert large["n"] == small["n"], (small["n"], large["n"])
