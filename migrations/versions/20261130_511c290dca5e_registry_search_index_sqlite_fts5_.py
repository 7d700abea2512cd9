"""registry search index: SQLite FTS5 trigram or PostgreSQL pg_trgm

Revision ID: 511c290dca5e
Revises: ba04b0c316a4
Create Date: 2026-11-30 03:43:56.811808

"""
import sqlalchemy as sa
from alembic import op

import app.db_types


# revision identifiers, used by Alembic.
revision = '511c290dca5e'
down_revision = 'ba04b0c316a4'
branch_labels = None
depends_on = None


# The index as it was then (app/roll/search.py has since moved to bigrams, see 20261208).
FTS_TABLE = "honoree_fts"
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, unit, headline, summary, story_md, content='honorees', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON honorees BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, name, unit, headline, summary, story_md) VALUES "
    "(new.id, new.name, coalesce(new.unit, ''), new.headline, new.summary, new.story_md); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON honorees BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, unit, headline, summary, story_md) "
    "VALUES ('delete', old.id, old.name, coalesce(old.unit, ''), old.headline, old.summary, "
    "old.story_md); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON honorees BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, unit, headline, summary, story_md) "
    "VALUES ('delete', old.id, old.name, coalesce(old.unit, ''), old.headline, old.summary, "
    f"old.story_md); INSERT INTO {FTS_TABLE}(rowid, name, unit, headline, summary, story_md) "
    "VALUES (new.id, new.name, coalesce(new.unit, ''), new.headline, new.summary, "
    "new.story_md); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
PG_EXPRESSION = (
    "(name || ' ' || coalesce(unit, '') || ' ' || headline || ' ' || summary || ' ' || story_md)"
)
PG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
    f"CREATE INDEX IF NOT EXISTS ix_honorees_search_trgm ON honorees USING gin "
    f"({PG_EXPRESSION} public.gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS ix_honorees_search_trgm"]


def upgrade():
    bind = op.get_bind()
    for statement in SQLITE_DDL if bind.dialect.name == "sqlite" else PG_DDL:
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    for statement in SQLITE_DROP if bind.dialect.name == "sqlite" else PG_DROP:
        bind.exec_driver_sql(statement)
