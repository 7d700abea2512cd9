"""Full-text search over the registry: SQLite FTS5 (trigram) or PostgreSQL pg_trgm.

Both indexes are created by the migration and, for tests built with create_all(), by the
DDL hooks below (registered in app/wiring.py). Terms shorter than three characters (e.g. 孝,
救人) cannot use a trigram index; they fall back to a LIKE scan, which finds the same substrings.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.db_types import like_pattern
from app.registry.models import Honoree

FTS_TABLE = "honoree_fts"
SEARCH_COLUMNS = ("name", "unit", "headline", "summary", "story_md")

# Bandit B608 (nosec below): DDL assembled from the module constants above, never input.
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, unit, headline, summary, story_md, content='honorees', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON honorees BEGIN "  # nosec B608
    f"INSERT INTO {FTS_TABLE}(rowid, name, unit, headline, summary, story_md) VALUES "
    "(new.id, new.name, coalesce(new.unit, ''), new.headline, new.summary, new.story_md); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON honorees BEGIN "  # nosec B608
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, unit, headline, summary, story_md) "
    "VALUES ('delete', old.id, old.name, coalesce(old.unit, ''), old.headline, old.summary, "
    "old.story_md); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON honorees BEGIN "  # nosec B608
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, unit, headline, summary, story_md) "
    "VALUES ('delete', old.id, old.name, coalesce(old.unit, ''), old.headline, old.summary, "
    f"old.story_md); INSERT INTO {FTS_TABLE}(rowid, name, unit, headline, summary, story_md) "
    "VALUES (new.id, new.name, coalesce(new.unit, ''), new.headline, new.summary, "
    "new.story_md); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # nosec B608 # see above
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


def create_index(connection) -> None:
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else PG_DDL
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_index(connection) -> None:
    statements = SQLITE_DROP if connection.dialect.name == "sqlite" else PG_DROP
    for statement in statements:
        connection.exec_driver_sql(statement)


def after_create(target, connection, **_kw) -> None:
    """DDL hook on the registry table (app/wiring.py): create_all() builds the index too."""
    create_index(connection)


def before_drop(target, connection, **_kw) -> None:
    drop_index(connection)


def matching_honorees(term: str, dialect: str) -> sa.Select:
    """(honoree id, rank) of records matching `term`; lower rank is better."""
    if dialect == "sqlite" and len(term) >= 3:
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        quoted = '"' + term.replace('"', '""') + '"'
        return (
            sa.select(
                fts.c.rowid.label("honoree_id"),
                sa.literal_column(f"bm25({FTS_TABLE})").label("rank"),
            )
            .select_from(fts)
            .where(sa.literal_column(FTS_TABLE).op("MATCH")(quoted))
        )
    pattern = like_pattern(term)
    like = (
        (lambda col: col.ilike(pattern, escape="\\"))
        if dialect != "sqlite"
        else (lambda col: col.like(pattern, escape="\\"))
    )
    rank = sa.case(
        (like(Honoree.name), 0),
        (like(sa.func.coalesce(Honoree.unit, "")), 1),
        (like(Honoree.headline), 2),
        (like(Honoree.summary), 3),
        else_=4,
    )
    if dialect == "postgresql":
        condition = sa.literal_column(PG_EXPRESSION).ilike(pattern, escape="\\")
    else:
        condition = sa.or_(
            *(like(sa.func.coalesce(getattr(Honoree, c), "")) for c in SEARCH_COLUMNS)
        )
    return sa.select(Honoree.id.label("honoree_id"), rank.label("rank")).where(condition)
