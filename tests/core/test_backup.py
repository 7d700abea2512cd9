"""`honors backup` then `honors restore` into a fresh database: every table's rows and the
committee tally come back equal (SQLite here; PostgreSQL through pg_dump/pg_restore)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from app.config import normalize_database_url
from app.extensions import db
from tests.conftest import make_test_app


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        }


@pytest.fixture
def fresh_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    base = normalize_database_url(base)
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_then_restore_keeps_every_row(app, runner, tmp_path, tmp_path_factory, fresh_url):
    assert runner.invoke(args=["honors", "demo"]).exit_code == 0
    before = _counts(app)
    target = tmp_path / "honors.backup"
    result = runner.invoke(args=["honors", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    fresh = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=fresh_url)
    refused = fresh.test_cli_runner().invoke(args=["honors", "restore", str(target)])
    assert refused.exit_code != 0
    restored = fresh.test_cli_runner().invoke(args=["honors", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _counts(fresh) == before
    from app.committee import queries
    from app.programs.models import Cycle, Program
    from app.programs.workflow import CyclePhase

    def tally(instance):
        with instance.app_context():
            # The demo's running notice (its period follows the day the demo is loaded).
            cycle = db.session.scalar(
                sa.select(Cycle)
                .join(Program)
                .where(Program.code == "luohe_good", Cycle.state == CyclePhase.NOTICE)
                .order_by(Cycle.id)
                .limit(1)
            )
            main = queries.compute(cycle)
            return [(r.candidate_id, r.approvals, r.outcome) for r in main.rows]

    assert tally(fresh) == tally(app)
