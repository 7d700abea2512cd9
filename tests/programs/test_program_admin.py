"""Program administration by staff and admin: the form's rules, create and edit through the
web, the audit entry of each change, and the areas nominators and visitors never reach."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.extensions import db
from app.programs import admin
from app.programs.models import BallotRule, Cadence, Program
from tests import factories
from tests.conftest import csrf_token

NEW = "/staff/programs/new"


def _english(client):
    client.get("/staff/programs?lang=en")  # the language cookie: messages in English
    return client


def _form(token: str, **overrides) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "code": "weekly_good",
        "name_zh": "每周好人",
        "name_en": "Good of the week",
        "level": "city",
        "cadence": "monthly",
        "nominee_kind": "individual",
        "quota": "5",
        "group_quota": "",
        "age_min": "",
        "age_max": "",
        "cooldown": "y",
        "guardian_consent_below_age": "18",
        "ballot_rule": "approval",
        "quorum_num": "2",
        "quorum_den": "3",
        "min_mean_score": "6.0",
        "public_weight_pct": "0",
        "notice_days": "7",
        "nominating_days": "15",
        "vetting_days": "5",
        "public_review_days": "5",
        "voting_days": "3",
        "is_active": "y",
    }
    for i in range(5):
        for name in ("code", "name_zh", "name_en", "weight"):
            data[f"criteria-{i}-{name}"] = ""
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _program(app, code: str) -> Program | None:
    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.code == code))
        if program is not None:
            db.session.expunge(program)
        return program


def _event(action: str) -> AuditEvent:
    return db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == action))


def test_staff_creates_program_with_category_quota_through_the_web(app, login_as):
    with app.app_context():
        brave = factories.make_category("brave", "见义勇为").id
        factories.make_category("honest", "诚实守信")
    staff = login_as(Role.STAFF)
    token = csrf_token(staff, NEW)
    response = staff.post(
        NEW,
        data=_form(
            token,
            group_quota="1",
            age_min="6",
            age_max="18",
            pupils_give_school="y",
            **{f"cat_{brave}": "y", f"catquota_{brave}": "2"},
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.code == "weekly_good"))
        assert (program.name_zh, program.quota, program.group_quota) == ("每周好人", 5, 1)
        assert program.cadence is Cadence.MONTHLY and program.ballot_rule is BallotRule.APPROVAL
        assert (program.age_min, program.age_max, program.pupils_give_school) == (6, 18, True)
        assert [(link.category.code, link.quota) for link in program.categories] == [("brave", 2)]
        assert program.phase_template["notice_days"] == 7
        event = _event("program.created")
        assert event.object_id == program.id and event.after["categories"] == {"brave": 2}
    assert response.headers["Location"].endswith(f"/staff/programs/{program.id}")


def test_admin_creates_program_through_the_web(app, login_as):
    admin_client = login_as(Role.ADMIN)
    token = csrf_token(admin_client, NEW)
    assert admin_client.post(NEW, data=_form(token, code="admin_made")).status_code == 302
    assert _program(app, "admin_made") is not None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"notice_days": "6"}, "notice_days", "A public notice lasts at least 7 days."),
        ({"quota": "0"}, "quota", "A quota is at least 1"),
        ({"age_min": "18", "age_max": "12"}, "age_min", "The minimum age is above the maximum"),
        (
            {
                "ballot_rule": "score",
                "criteria-0-name_zh": "事迹",
                "criteria-0-weight": "50",
                "criteria-1-name_zh": "影响",
                "criteria-1-weight": "30",
            },
            "criteria",
            "The weights add up to 80; they must add up to 100.",
        ),
    ],
)
def test_program_form_refuses_bad_rule_next_to_its_field_and_keeps_typed_values(
    app, login_as, overrides, field, message
):
    staff = _english(login_as(Role.STAFF))
    token = csrf_token(staff, NEW)
    response = staff.post(NEW, data=_form(token, name_zh="拒绝的项目", **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-error"' in html  # the error sits next to the field it concerns
    assert 'value="拒绝的项目"' in html  # typed values kept
    for name, value in overrides.items():
        if name not in ("ballot_rule",):
            assert f'value="{value}"' in html, name
    assert _program(app, "weekly_good") is None


def test_program_form_refuses_quota_zero_for_a_category(app, login_as):
    with app.app_context():
        brave = factories.make_category("brave").id
    staff = _english(login_as(Role.STAFF))
    token = csrf_token(staff, NEW)
    response = staff.post(NEW, data=_form(token, **{f"cat_{brave}": "y", f"catquota_{brave}": "0"}))
    assert response.status_code == 200
    assert "A quota is at least 1" in response.get_data(as_text=True)
    assert _program(app, "weekly_good") is None


def test_staff_edits_program_and_audit_keeps_before_and_after_of_changed_fields(app, login_as):
    with app.app_context():
        program_id = factories.make_program(
            "monthly_list",
            quota=10,
            notice_days=7,
            phase_template={"nominating_days": 15, "biennial_parity": 1},
        ).id
    staff = login_as(Role.STAFF)
    url = f"/staff/programs/{program_id}"
    token = csrf_token(staff, url)
    data = _form(token, code=None, name_zh="改名后的项目", quota="8", notice_days="10")
    assert staff.post(url, data=data).status_code == 302
    with app.app_context():
        program = db.session.get(Program, program_id)
        assert (program.name_zh, program.quota, program.notice_days) == ("改名后的项目", 8, 10)
        assert program.code == "monthly_list"  # the code never changes
        assert program.phase_template["biennial_parity"] == 1  # a key the form does not show
        assert program.phase_template["notice_days"] == 10
        event = _event("program.updated")
        assert event.before["quota"] == 10 and event.after["quota"] == 8
        assert event.before["notice_days"] == 7 and event.after["notice_days"] == 10
        assert event.after["name_zh"] == "改名后的项目"
        assert "cadence" not in event.after  # only the changed fields
    assert staff.post(url, data=data).status_code == 302  # the same values again
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "program.updated")
        )
        assert count == 1  # nothing changed: nothing logged


def test_program_edit_page_shows_score_weights_in_percent(app, login_as):
    criteria = [
        {"code": "deeds", "name_zh": "事迹", "name_en": "Deeds", "weight": 4},
        {"code": "influence", "name_zh": "影响", "name_en": "Influence", "weight": 6},
    ]
    with app.app_context():
        program_id = factories.make_program(
            ballot_rule=BallotRule.SCORE, score_criteria=criteria
        ).id
    html = login_as(Role.STAFF).get(f"/staff/programs/{program_id}").get_data(as_text=True)
    assert 'name="criteria-0-weight" type="number" value="40"' in html
    assert 'name="criteria-1-weight" type="number" value="60"' in html


@pytest.mark.parametrize("role", [Role.NOMINATOR, Role.COMMITTEE])
def test_program_admin_refused_to_other_roles(app, login_as, role):
    with app.app_context():
        program_id = factories.make_program("kept", quota=10).id
    client = login_as(role, organisation_code="org-x" if role is Role.NOMINATOR else None)
    token = csrf_token(client, "/")  # the client's own token (the logout form): a real POST
    assert client.get("/staff/programs").status_code == 403
    assert client.get(f"/staff/programs/{program_id}").status_code == 403
    assert client.post(NEW, data=_form(token)).status_code == 403
    edit = client.post(f"/staff/programs/{program_id}", data=_form(token, quota="1"))
    assert edit.status_code == 403
    assert _program(app, "weekly_good") is None
    assert _program(app, "kept").quota == 10


def test_program_admin_sends_anonymous_to_login(app, client):
    response = client.get("/staff/programs")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(NEW, data=_form("x")).status_code in (302, 400)
    assert _program(app, "weekly_good") is None


def test_update_program_service_refuses_short_notice_with_its_field(ctx):
    program = factories.make_program(notice_days=7)
    with pytest.raises(admin.ProgramError) as error:
        admin.update_program(program, {"notice_days": 5}, actor=None)
    assert error.value.field == "notice_days"
    db.session.rollback()
    assert db.session.get(Program, program.id).notice_days == 7


def test_update_program_service_refuses_weights_not_summing_to_100(ctx):
    program = factories.make_program(ballot_rule=BallotRule.SCORE)
    criteria = [{"code": "a", "name_zh": "甲", "name_en": "A", "weight": 60}]
    with pytest.raises(admin.ProgramError) as error:
        admin.update_program(program, {"score_criteria": criteria}, actor=None)
    assert error.value.field == "criteria"
