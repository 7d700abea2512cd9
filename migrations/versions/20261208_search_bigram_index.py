"""registry search: a CJK bigram index (SQLite FTS5, PostgreSQL tsvector + GIN)

Replaces the trigram index of 511c290dca5e, which could not answer two-character queries
(most Chinese names and words) without a full scan. Builds the new index for existing
rows; on SQLite its triggers call honors_bigrams(), registered on every connection of the
app (app/roll/search.py), so run this through `flask db upgrade`.

Revision ID: 20261208_search
Revises: 20261207_mail
Create Date: 2026-12-08 00:00:00
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "20261208_search"
down_revision = "20261207_mail"
branch_labels = None
depends_on = None

TRIGRAM_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS honoree_fts_ai",
    "DROP TRIGGER IF EXISTS honoree_fts_ad",
    "DROP TRIGGER IF EXISTS honoree_fts_au",
    "DROP TABLE IF EXISTS honoree_fts",
]
TRIGRAM_PG_DROP = ["DROP INDEX IF EXISTS ix_honorees_search_trgm"]


def upgrade():
    from app.roll.search import create_index

    bind = op.get_bind()
    for statement in TRIGRAM_SQLITE_DROP if bind.dialect.name == "sqlite" else TRIGRAM_PG_DROP:
        bind.exec_driver_sql(statement)
    create_index(bind)


def downgrade():
    from app.roll.search import drop_index

    bind = op.get_bind()
    drop_index(bind)
    # The trigram index of 511c290dca5e, as that revision builds it.
    path = Path(__file__).with_name("20261130_511c290dca5e_registry_search_index_sqlite_fts5_.py")
    spec = importlib.util.spec_from_file_location("trigram_index_revision", path)
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    for statement in previous.SQLITE_DDL if bind.dialect.name == "sqlite" else previous.PG_DDL:
        bind.exec_driver_sql(statement)
