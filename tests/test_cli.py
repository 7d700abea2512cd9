"""`flask honors create-user` and friends."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.extensions import db
from tests import factories


def test_create_user_command(app, runner):
    with app.app_context():
        factories.make_org(code="shali")
    result = runner.invoke(
        args=[
            "honors",
            "create-user",
            "--username",
            "NewStaff",
            "--role",
            "staff",
            "--role",
            "admin",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "created newstaff" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "newstaff"))
        assert user.roles == {Role.STAFF, Role.ADMIN}


def test_create_user_command_refuses_nominator_without_org(app, runner):
    result = runner.invoke(
        args=[
            "honors",
            "create-user",
            "--username",
            "nom",
            "--role",
            "nominator",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "nom")) is None


def test_create_user_command_unknown_org(runner):
    result = runner.invoke(
        args=[
            "honors",
            "create-user",
            "--username",
            "nom",
            "--role",
            "nominator",
            "--org",
            "nowhere",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_export_command_writes_the_public_roll_without_pii(app, runner, tmp_path):
    import csv
    import json

    from app.honors.services import withdraw_consent

    with app.app_context():
        program = factories.make_program(code="luohe_good")
        shown = factories.make_honoree(name="公开好人", slug="export-1")
        factories.make_honor(shown, program)
        hidden = factories.make_honoree(name="撤回同意", slug="export-2")
        factories.make_honor(hidden, program, period="2026-02")
        withdraw_consent(hidden, reason="本人要求", actor=None)
        db.session.commit()
    target = tmp_path / "roll.csv"
    result = runner.invoke(args=["honors", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 public honors" in result.output
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["name"] for r in rows] == ["公开好人"]
    assert "id_number" not in rows[0] and "phone" not in rows[0]
    as_json = tmp_path / "roll.json"
    assert runner.invoke(args=["honors", "export", str(as_json)]).exit_code == 0
    assert json.loads(as_json.read_text())["items"][0]["slug"] == "export-1"
