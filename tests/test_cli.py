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
