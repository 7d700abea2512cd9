"""One record per person: a nominator only hints at a registry record, the link is made by
an ID-number match or a staff decision in vetting, and publication never renames a record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.committee import ballots, queries, results
from app.db_types import utcnow
from app.extensions import db
from app.honors import services as honors
from app.nominations import services
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.orgs.models import Organisation, OrgKind
from app.privacy import crypto
from app.programs import services as cycle_services
from app.programs.models import Cycle
from app.programs.workflow import CyclePhase
from app.registry.models import Honor, Honoree, HonorStatus
from app.vetting import services as vetting
from tests import factories
from tests.committee.conftest import build
from tests.conftest import csrf_token
from tests.nominations.test_nominator_flow import _photo, _post, form_data

ID_NUMBER = factories.valid_id_number("19790303", "456")
OTHER_ID = factories.valid_id_number("19790303", "789")


@pytest.fixture
def setup(app):
    with app.app_context():
        org = factories.make_org(name="幸福社区", code="xingfu")
        cycle = factories.make_open_cycle()
        earlier = factories.make_program()
        victim = factories.make_honoree(name="王老人", birth_date=date(1940, 1, 1))
        factories.make_honor(victim, earlier, period="2025-05")
        return {
            "org": org.id,
            "cycle": cycle.id,
            "category": cycle.program.categories[0].category_id,
            "victim": victim.id,
            "victim_slug": victim.slug,
        }


def _nomination(app) -> Nomination:
    with app.app_context():
        return db.session.scalars(sa.select(Nomination)).one()


# --- the nominator hints, never links ------------------------------------------------------


def test_nominator_posting_honoree_slug_and_honoree_id_links_no_record(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    data = form_data(setup, honoree_slug=setup["victim_slug"], honoree_id=str(setup["victim"]))
    response = _post(nominator, f"/nominations/new/{setup['cycle']}", data)
    assert response.status_code == 302
    nomination = _nomination(app)
    assert nomination.honoree_id is None
    assert nomination.suggested_honoree_id is None


def test_nominator_suggestion_is_stored_as_a_hint_not_a_link(app, login_as, setup):
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    data = form_data(setup, suggested_slug=setup["victim_slug"])
    response = _post(nominator, f"/nominations/new/{setup['cycle']}", data)
    assert response.status_code == 302
    nomination = _nomination(app)
    assert nomination.suggested_honoree_id == setup["victim"]
    assert nomination.honoree_id is None


@pytest.mark.parametrize("hidden", ["revoked", "consent_withdrawn", "embargoed", "no_honor"])
def test_nominator_suggestion_of_a_record_off_the_public_roll_refused(app, login_as, setup, hidden):
    with app.app_context():
        record = factories.make_honoree(name="隐藏人")
        if hidden == "revoked":
            factories.make_honor(
                record, factories.make_program(), status=HonorStatus.REVOKED, revoked_at=utcnow()
            )
        elif hidden == "consent_withdrawn":
            factories.make_honor(record, factories.make_program())
            record.consent_withdrawn_at = utcnow()
            db.session.commit()
        elif hidden == "embargoed":
            factories.make_honor(
                record, factories.make_program(), published_at=utcnow() + timedelta(days=3)
            )
        slug = record.slug
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator, f"/nominations/new/{setup['cycle']}", form_data(setup, suggested_slug=slug)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="suggested_slug-error"' in html and f'value="{slug}"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0


def test_nominator_edit_with_honoree_slug_keeps_the_staff_link_unchanged(app, login_as, setup):
    with app.app_context():
        cycle = db.session.get(Cycle, setup["cycle"])
        org = db.session.get(Organisation, setup["org"])
        nomination = factories.make_nomination(
            cycle,
            organisation=org,
            name="赵好人",
            birth_date=date(1979, 3, 3),
            id_number=ID_NUMBER,
            state=NominationState.RETURNED,
        )
        mine = factories.make_honoree(name="赵好人", id_number_hash=crypto.keyed_hash(ID_NUMBER))
        vetting.link_registry_record(nomination, mine, actor=None)
        db.session.commit()
        nomination_id, mine_id = nomination.id, mine.id
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    data = form_data(
        setup, id_number="", honoree_slug=setup["victim_slug"], honoree_id=str(setup["victim"])
    )
    response = _post(nominator, f"/nominations/{nomination_id}/edit", data)
    assert response.status_code == 302
    assert _nomination(app).honoree_id == mine_id


def test_nominator_changing_the_name_drops_the_staff_link_with_an_audit_event(app, login_as, setup):
    with app.app_context():
        cycle = db.session.get(Cycle, setup["cycle"])
        org = db.session.get(Organisation, setup["org"])
        nomination = factories.make_nomination(
            cycle,
            organisation=org,
            name="王老人",
            birth_date=date(1940, 1, 1),
            id_number=None,
            state=NominationState.RETURNED,
        )
        vetting.link_registry_record(
            nomination, db.session.get(Honoree, setup["victim"]), actor=None
        )
        db.session.commit()
        nomination_id = nomination.id
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    data = form_data(setup, id_number="", name="李冒名", birth_date="1940-01-01")
    response = _post(nominator, f"/nominations/{nomination_id}/edit", data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).honoree_id is None
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "nominations", AuditEvent.object_id == nomination_id)
            .order_by(AuditEvent.id)
        ).all()
        assert actions[-2:] == ["nomination.registry_linked", "nomination.registry_unlinked"]


def test_nominator_cannot_post_the_staff_registry_decision(app, login_as, setup):
    with app.app_context():
        cycle = db.session.get(Cycle, setup["cycle"])
        org = db.session.get(Organisation, setup["org"])
        nomination_id = factories.make_nomination(
            cycle, organisation=org, state=NominationState.SUBMITTED
        ).id
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    token = csrf_token(nominator, f"/nominations/{nomination_id}")
    response = nominator.post(
        f"/staff/nominations/{nomination_id}/registry",
        data={"csrf_token": token, "honoree_id": str(setup["victim"])},
    )
    assert response.status_code == 403
    assert _nomination(app).honoree_id is None


# --- the staff decision in vetting ----------------------------------------------------------


def _submitted(app, setup, **fields) -> int:
    with app.app_context():
        cycle = db.session.get(Cycle, setup["cycle"])
        nomination = factories.make_nomination(cycle, state=NominationState.SUBMITTED, **fields)
        return nomination.id


def test_vetting_page_shows_nomination_and_suggested_record_side_by_side_masked(
    app, login_as, setup
):
    id_number = factories.valid_id_number("19400101", "321")
    with app.app_context():
        victim = db.session.get(Honoree, setup["victim"])
        victim.id_number_enc = crypto.encrypt(id_number)
        victim.phone_enc = crypto.encrypt("13911112222")
        db.session.commit()
    nomination_id = _submitted(app, setup, name="李测试")
    with app.app_context():
        nomination = db.session.get(Nomination, nomination_id)
        nomination.suggested_honoree_id = setup["victim"]
        db.session.commit()
    staff = login_as(Role.STAFF)
    html = staff.get(f"/staff/nominations/{nomination_id}").get_data(as_text=True)
    assert setup["victim_slug"] in html and "王老人" in html and "李测试" in html
    assert "411102********3211" in html and "139****2222" in html
    assert id_number not in html and "13911112222" not in html
    assert f'name="honoree_id" value="{setup["victim"]}"' in html


def test_staff_link_in_vetting_is_saved_and_audited(app, login_as, setup):
    nomination_id = _submitted(
        app, setup, name="王老人", birth_date=date(1940, 1, 1), id_number=None
    )
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/nominations/{nomination_id}")
    response = staff.post(
        f"/staff/nominations/{nomination_id}/registry",
        data={"csrf_token": token, "honoree_id": str(setup["victim"])},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).honoree_id == setup["victim"]
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "nomination.registry_linked")
        ).one()
        assert (event.object_id, event.before, event.after) == (
            nomination_id,
            {"honoree": None},
            {"honoree": setup["victim_slug"]},
        )
        assert event.actor_id is not None


def test_staff_link_to_a_record_with_another_id_number_refused(app, login_as, setup):
    with app.app_context():
        victim = db.session.get(Honoree, setup["victim"])
        victim.id_number_hash = crypto.keyed_hash(OTHER_ID)
        db.session.commit()
    nomination_id = _submitted(
        app, setup, name="王老人", birth_date=date(1979, 3, 3), id_number=ID_NUMBER
    )
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/nominations/{nomination_id}")
    response = staff.post(
        f"/staff/nominations/{nomination_id}/registry",
        data={"csrf_token": token, "honoree_id": str(setup["victim"])},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).honoree_id is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "nomination.registry_linked")
            )
            == 0
        )


def test_staff_link_to_an_unknown_record_is_404(app, login_as, setup):
    nomination_id = _submitted(app, setup)
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, f"/staff/nominations/{nomination_id}")
    response = staff.post(
        f"/staff/nominations/{nomination_id}/registry",
        data={"csrf_token": token, "honoree_id": "999999"},
    )
    assert response.status_code == 404
    assert _nomination(app).honoree_id is None


def test_staff_unlink_refused_when_the_id_number_is_in_the_registry(ctx):
    nomination = factories.make_nomination(
        state=NominationState.SUBMITTED, id_number=ID_NUMBER, birth_date=date(1979, 3, 3)
    )
    same = factories.make_honoree(name="赵好人", id_number_hash=crypto.keyed_hash(ID_NUMBER))
    vetting.link_registry_record(nomination, same, actor=None)
    with pytest.raises(services.NominationError):
        vetting.link_registry_record(nomination, None, actor=None)
    assert nomination.honoree_id == same.id


def test_staff_link_refused_once_honored(ctx):
    nomination = factories.make_nomination(state=NominationState.SUBMITTED)
    nomination.state = NominationState.HONORED  # arranged directly: only the guard matters
    with pytest.raises(services.NominationError):
        vetting.link_registry_record(nomination, factories.make_honoree(), actor=None)
    assert nomination.honoree_id is None


# --- publication ---------------------------------------------------------------------------


def _in_notice_and_over(app) -> tuple[int, int]:
    """One candidate in notice, its notice over: (cycle id, nomination id)."""
    with app.app_context():
        setup = build(members=3, candidates=1, quota=1)
        cycle = db.session.get(Cycle, setup.cycle_id)
        for member in queries.roster(cycle):
            ballots.submit_ballot(
                cycle, member, ballots.BallotInput(approvals=setup.candidate_ids), secret="s"
            )
        results.apply_results(cycle, actor=None)
        cycle_services.transition_cycle(cycle, CyclePhase.NOTICE, actor=None)
        past = utcnow() - timedelta(minutes=1)
        cycle.notice_starts_at = utcnow() - timedelta(days=8)  # a full 7-day notice has run
        cycle.notice_ends_at = past
        nomination = db.session.get(Nomination, setup.candidate_ids[0])
        nomination.notice_ends_at = past
        assert nomination.state is NominationState.IN_NOTICE
        db.session.commit()
        return cycle.id, nomination.id


def test_publication_keeps_the_name_and_earlier_honors_of_a_linked_record(app):
    cycle_id, nomination_id = _in_notice_and_over(app)
    with app.app_context():
        record = factories.make_honoree(name="王老人", birth_date=date(1940, 1, 1))
        earlier = factories.make_honor(record, factories.make_program(), period="2025-05")
        nomination = db.session.get(Nomination, nomination_id)
        nomination.honoree = record  # as the old honoree_slug field did
        db.session.commit()
        honors.publish_cycle(db.session.get(Cycle, cycle_id), actor=None)
        db.session.commit()
        record = db.session.get(Honoree, record.id)
        assert (record.name, record.birth_date) == ("王老人", date(1940, 1, 1))
        assert sorted(h.id for h in record.honors)[0] == earlier.id
        assert len(record.honors) == 2


def test_publication_refuses_a_link_contradicted_by_the_id_numbers(app):
    cycle_id, nomination_id = _in_notice_and_over(app)
    with app.app_context():
        record = factories.make_honoree(name="王老人", id_number_hash=crypto.keyed_hash(OTHER_ID))
        nomination = db.session.get(Nomination, nomination_id)
        nomination.id_number_hash = crypto.keyed_hash(ID_NUMBER)
        nomination.honoree = record
        db.session.commit()
        with pytest.raises(honors.PublicationError):
            honors.publish_cycle(db.session.get(Cycle, cycle_id), actor=None)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Honor)) == 0
        assert db.session.get(Honoree, record.id).name == "王老人"
        assert db.session.get(Cycle, cycle_id).state is CyclePhase.NOTICE


def test_publication_adds_the_honor_to_the_record_with_the_same_id_number(app):
    cycle_id, nomination_id = _in_notice_and_over(app)
    with app.app_context():
        record = factories.make_honoree(name="王老人", id_number_hash=crypto.keyed_hash(ID_NUMBER))
        db.session.get(Nomination, nomination_id).id_number_hash = crypto.keyed_hash(ID_NUMBER)
        db.session.commit()
        honors.publish_cycle(db.session.get(Cycle, cycle_id), actor=None)
        db.session.commit()
        assert db.session.scalars(sa.select(Honor.honoree_id)).all() == [record.id]
        assert db.session.get(Nomination, nomination_id).honoree_id == record.id
        assert db.session.get(Honoree, record.id).name == "王老人"


# --- the nominator's registry search ----------------------------------------------------------


def test_registry_search_lists_only_records_the_public_roll_shows(app, login_as):
    with app.app_context():
        program = factories.make_program()
        shown = factories.make_honoree(name="孙公开")
        factories.make_honor(shown, program)
        revoked = factories.make_honoree(name="孙撤销")
        factories.make_honor(revoked, program, status=HonorStatus.REVOKED, revoked_at=utcnow())
        withdrawn = factories.make_honoree(name="孙撤回", consent_withdrawn_at=utcnow())
        factories.make_honor(withdrawn, program)
        embargoed = factories.make_honoree(name="孙待发")
        factories.make_honor(embargoed, program, published_at=utcnow() + timedelta(days=1))
        factories.make_honoree(name="孙无荣誉")
        slugs = {"shown": shown.slug, "revoked": revoked.slug}
    nominator = login_as(Role.NOMINATOR)
    names = [
        r["name"] for r in nominator.get("/nominations/registry-search?q=孙").get_json()["results"]
    ]
    assert names == ["孙公开"]
    by_slug = nominator.get(f"/nominations/registry-search?q={slugs['revoked']}").get_json()
    assert by_slug == {"results": []}
    by_slug = nominator.get(f"/nominations/registry-search?q={slugs['shown']}").get_json()
    assert [r["slug"] for r in by_slug["results"]] == [slugs["shown"]]


def test_registry_search_gives_no_birth_year_of_a_minor(app, login_as):
    with app.app_context():
        minor = factories.make_honoree(
            name="周少年", birth_date=date(2014, 6, 1), birth_year=2014, unit="实验小学"
        )
        factories.make_honor(minor, factories.make_program())
        slug = minor.slug
    nominator = login_as(Role.NOMINATOR)
    response = nominator.get("/nominations/registry-search?q=周少年")
    assert response.get_json() == {
        "results": [
            {
                "slug": slug,
                "name": "周少年",
                "kind": "individual",
                "district": None,
                "unit": "实验小学",
            }
        ]
    }
    assert "2014" not in response.get_data(as_text=True)


# --- the duplicate refusal ----------------------------------------------------------------------


def test_duplicate_refusal_does_not_name_the_other_organisation(app, login_as, setup):
    with app.app_context():
        cycle = db.session.get(Cycle, setup["cycle"])
        first = factories.make_nomination(
            cycle,
            organisation=factories.make_org(name="柳岸社区", kind=OrgKind.WORK_UNIT),
            location_id=setup["org"],
            name="赵好人",
            birth_date=date(1979, 3, 3),
            id_number=ID_NUMBER,
            state=NominationState.SUBMITTED,
        )
        first_id = first.id
    nominator = login_as(Role.NOMINATOR, organisation_code="xingfu")
    response = _post(
        nominator,
        f"/nominations/new/{setup['cycle']}",
        form_data(setup, action="submit"),
        {"id_photo": _photo(), "id_photo_alt": "证件照"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "柳岸社区" not in html
    with app.app_context():
        second = db.session.scalars(sa.select(Nomination).where(Nomination.id != first_id)).one()
        assert second.state is NominationState.DRAFT
        assert [f for f, _m in services.eligibility_problems(second)] == [None]


def test_vetting_page_shows_staff_who_else_nominated_the_person(app, login_as, setup):
    with app.app_context():
        cycle = db.session.get(Cycle, setup["cycle"])
        first = factories.make_nomination(
            cycle,
            organisation=factories.make_org(name="柳岸社区"),
            state=NominationState.SUBMITTED,
        )
        second = factories.make_nomination(
            cycle,
            organisation=db.session.get(Organisation, setup["org"]),
            state=NominationState.SUBMITTED,
        )
        first_id, second_id = first.id, second.id
    staff = login_as(Role.STAFF)
    html = staff.get(f"/staff/nominations/{second_id}").get_data(as_text=True)
    assert "柳岸社区" in html
    assert f'href="/staff/nominations/{first_id}"' in html
