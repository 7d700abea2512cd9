"""Migrations: upgrade → `db check` (models match) → downgrade, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade

from app.config import normalize_database_url
from tests.conftest import make_test_app


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    # PostgreSQL: an empty schema of its own, so the shared test tables stay untouched.
    base = normalize_database_url(base)
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in base else "?"
    yield f"{base}{joiner}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_migrations_upgrade_check_downgrade(tmp_path_factory, empty_database_url):
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        from app.extensions import db

        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"users", "organisations", "programs", "cycles", "honorees", "honors"} <= tables
        check()  # raises when the models differ from the migrated schema
        # CHECKs of enum columns are not compared by `check`: look at one that changed.
        checks = sa.inspect(db.engine).get_check_constraints("nominations")
        state = next(c for c in checks if c["name"] == "ck_nominations_state")
        assert "not_selected" in state["sqltext"]
        if db.engine.dialect.name == "sqlite":  # later batch migrations must keep the index
            with db.engine.connect() as conn:
                triggers = conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE 'honoree_search_%'"
                ).scalar()
            assert triggers == 3
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_revision_files_are_date_prefixed():
    from pathlib import Path

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    assert all(name[:8].isdigit() and name[8] == "_" for name in names), names


def test_search_migration_indexes_the_records_already_there(tmp_path_factory, empty_database_url):
    app = make_test_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        from app.extensions import db
        from app.roll.search import matching_honorees

        upgrade(revision="20261207_mail")  # the trigram index: a record from before
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO honorees (slug, kind, name, headline, summary, story_md, "
                    "consent_given, created_at, updated_at) VALUES ('old-1', 'individual', "
                    "'周晓梅', '雨夜救人', '', '她跳进河里救起孩子。', true, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        upgrade()
        found = {
            term: [
                row.honoree_id
                for row in db.session.execute(matching_honorees(term, db.engine.dialect.name))
            ]
            for term in ("晓梅", "救人", "河里", "周")
        }
        assert found == {"晓梅": [1], "救人": [1], "河里": [1], "周": [1]}
        db.session.remove()  # its transaction would hold the table the downgrade alters
        downgrade(revision="20261207_mail")  # back to the trigram revision: its search finds it
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                hits = conn.exec_driver_sql(
                    "SELECT rowid FROM honoree_fts WHERE honoree_fts MATCH '\"跳进河\"'"
                ).all()
            else:
                hits = conn.execute(
                    sa.text(
                        "SELECT id FROM honorees WHERE name || ' ' || coalesce(unit, '') || ' ' "
                        "|| headline || ' ' || summary || ' ' || story_md ILIKE :pattern"
                    ),
                    {"pattern": "%跳进河%"},
                ).all()
        assert hits == [(1,)]
        db.session.remove()
        db.engine.dispose()
