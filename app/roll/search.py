"""Full-text search over the registry as overlapping character bigrams (like `cjk_bigram`).

Most Chinese names and words are two characters (王芳, 救人), too short for a trigram index.
So the index holds, for each honoree, every pair of adjacent letters or digits in the name,
unit, headline, summary and story, lower-cased: 陈春生 gives 陈春 春生. A query word of two
or more letters and digits is the phrase of its own bigrams, and a phrase matches exactly
the texts that hold the word as a substring: after each run of letters and digits (a run
ends at a space, a punctuation mark or the end of a field) the text has a one-character
gap token that no bigram equals, so a phrase never joins two runs.

- SQLite: a contentless FTS5 table `honoree_search`, kept by triggers on `honorees` that
  call `honors_bigrams()`, this module's `bigrams` registered on every connection
  (`register_sqlite_function`, wired in app/wiring.py).
- PostgreSQL: a table `honoree_search(honoree_id, body tsvector)` with a GIN index, kept
  by a trigger; `honors_bigrams()` is the same rule in PL/pgSQL, and a query is a
  `phraseto_tsquery('simple', ...)` of the word's bigrams. The database's LC_CTYPE must
  classify CJK characters as letters (not `C`; see docs/deploy.md).

Both are created by the migration and, for tests built with create_all(), by the DDL hooks
below (app/wiring.py). A one-character word is a surname: it matches names that begin with
it. A word with other characters (a hyphen, a percent sign) is matched by a LIKE scan.
Several words separated by spaces must all match. Ranking puts name matches first.
"""

from __future__ import annotations

import re
import sqlite3

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.db_types import like_pattern
from app.registry.models import Honoree

TABLE = "honoree_search"
FUNCTION = "honors_bigrams"
GAP = "0"  # one character: never equal to a bigram
MAX_WORDS = 5
FIELDS = ("name", "unit", "headline", "summary", "story_md")
_SEPARATORS = re.compile(r"[\W_]+")  # anything but letters and digits


def bigrams(*parts: str | None) -> str:
    """The index text of `parts`: their bigrams, a gap token after each run."""
    tokens: list[str] = []
    for part in parts:
        for run in _SEPARATORS.split((part or "").lower()):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(GAP)
    return " ".join(tokens)


def is_indexed_word(word: str) -> bool:
    """Whether the index answers `word`: two or more letters and digits, nothing else."""
    return len(word) >= 2 and _SEPARATORS.search(word) is None


def words(term: str) -> list[str]:
    """The query's words (split at spaces), at most MAX_WORDS, repeats dropped."""
    return list(dict.fromkeys(term.split()))[:MAX_WORDS]


def register_sqlite_function(dbapi_connection, _record) -> None:
    """Engine "connect" hook: the triggers of the SQLite index call `honors_bigrams()`."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(FUNCTION, -1, bigrams, deterministic=True)


# On PostgreSQL a surname search reads this index of each name's first character,
# lower-cased (SQLite compares names as bytes: a range of the name index does it there).
INITIAL_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_honorees_initial ON honorees (lower(substr(name, 1, 1)))"
)
INITIAL_DROP = "DROP INDEX IF EXISTS ix_honorees_initial"
_NEW = ", ".join(f"new.{f}" for f in FIELDS)
_OLD = ", ".join(f"old.{f}" for f in FIELDS)
_COLUMNS = ", ".join(FIELDS)

# Bandit B608 (nosec below): DDL assembled from the module constants above, never input.
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "body, content='', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON honorees BEGIN "  # nosec B608
    f"INSERT INTO {TABLE}(rowid, body) VALUES (new.id, {FUNCTION}({_NEW})); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON honorees BEGIN "  # nosec B608
    f"INSERT INTO {TABLE}({TABLE}, rowid, body) VALUES ('delete', old.id, {FUNCTION}({_OLD})); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF {_COLUMNS} ON honorees "  # nosec
    f"BEGIN INSERT INTO {TABLE}({TABLE}, rowid, body) "
    f"VALUES ('delete', old.id, {FUNCTION}({_OLD})); "
    f"INSERT INTO {TABLE}(rowid, body) VALUES (new.id, {FUNCTION}({_NEW})); END",
    f"INSERT INTO {TABLE}(rowid, body) SELECT id, {FUNCTION}({_COLUMNS}) FROM honorees",  # nosec
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TABLE IF EXISTS {TABLE}",
]
_PG_UPSERT = (
    f"INSERT INTO {TABLE}(honoree_id, body) "  # nosec B608 # see above
    f"VALUES (NEW.id, to_tsvector('simple', {FUNCTION}({_NEW.replace('new.', 'NEW.')}))) "
    "ON CONFLICT (honoree_id) DO UPDATE SET body = excluded.body;"
)
PG_DDL = [
    INITIAL_INDEX,
    # The same rule as `bigrams`: lower-case, split at anything but letters and digits,
    # every adjacent pair of a run, then the gap token.
    f"""CREATE OR REPLACE FUNCTION {FUNCTION}(VARIADIC parts text[]) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
    DECLARE
      tokens text[] := ARRAY[]::text[];
      part text;
      run text;
      i integer;
    BEGIN
      FOREACH part IN ARRAY parts LOOP
        FOREACH run IN ARRAY regexp_split_to_array(lower(coalesce(part, '')), '[^[:alnum:]]+')
        LOOP
          FOR i IN 1 .. length(run) - 1 LOOP
            tokens := tokens || substr(run, i, 2);
          END LOOP;
          tokens := tokens || '{GAP}'::text;
        END LOOP;
      END LOOP;
      RETURN array_to_string(tokens, ' ');
    END
    $fn$""",
    f"CREATE TABLE IF NOT EXISTS {TABLE} (honoree_id integer PRIMARY KEY "
    "REFERENCES honorees(id) ON DELETE CASCADE, body tsvector NOT NULL)",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      {_PG_UPSERT}
      RETURN NULL;
    END
    $fn$""",
    f"CREATE OR REPLACE TRIGGER {TABLE}_sync AFTER INSERT OR UPDATE OF {_COLUMNS} "
    f"ON honorees FOR EACH ROW EXECUTE FUNCTION {TABLE}_sync()",
    f"INSERT INTO {TABLE}(honoree_id, body) "  # nosec B608 # see above
    f"SELECT id, to_tsvector('simple', {FUNCTION}({_COLUMNS})) FROM honorees "
    "ON CONFLICT (honoree_id) DO NOTHING",
    # Without fastupdate a write goes straight into the index: no pending list, which the
    # planner prices as a full read (after a bulk insert it chose a 70 ms scan of every
    # vector over a 2 ms index lookup until the next VACUUM). Registry writes are rare.
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_body ON {TABLE} USING gin (body) "
    "WITH (fastupdate = off)",
]
PG_DROP = [
    INITIAL_DROP,
    f"DROP TRIGGER IF EXISTS {TABLE}_sync ON honorees",
    f"DROP FUNCTION IF EXISTS {TABLE}_sync()",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP FUNCTION IF EXISTS {FUNCTION}(text[])",
]


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


def _like(dialect: str):
    if dialect == "sqlite":  # LIKE is case-insensitive for ASCII, as the index is
        return lambda column, pattern: column.like(pattern, escape="\\")
    return lambda column, pattern: column.ilike(pattern, escape="\\")


def _indexed(word: str, dialect: str) -> sa.Select:
    """Ids of honorees whose text holds `word` (two or more letters and digits)."""
    phrase = bigrams(word).removesuffix(" " + GAP)
    if dialect == "sqlite":
        fts = sa.table(TABLE, sa.column("rowid"))
        return sa.select(fts.c.rowid).where(
            sa.literal_column(TABLE).op("MATCH")(f'"{phrase}"')  # letters, digits, spaces
        )
    search = sa.table(TABLE, sa.column("honoree_id"), sa.column("body"))
    return sa.select(search.c.honoree_id).where(
        search.c.body.op("@@")(sa.func.phraseto_tsquery("simple", phrase))
    )


def matching_honorees(term: str, dialect: str) -> sa.Select:
    """(honoree id, rank) of records matching every word of `term`; lower rank is better:
    the number of words found elsewhere than in the name."""
    like = _like(dialect)
    conditions = []
    rank = []
    for word in words(term):
        if len(word) == 1:  # a surname: the first character, case aside as LIKE does
            named = aliased(Honoree)  # a subquery, so the planner starts from the index
            # SQLite compares text as bytes, so a caseless character's names are a range.
            if dialect == "sqlite" and word.lower() == word.upper() and ord(word) < 0x10FFFF:
                initial = sa.and_(named.name >= word, named.name < chr(ord(word) + 1))
            else:
                folded = word.lower() if dialect != "sqlite" or word.isascii() else word
                initial = sa.func.lower(sa.func.substr(named.name, 1, 1)) == folded
            conditions.append(Honoree.id.in_(sa.select(named.id).where(initial)))
            continue
        pattern = like_pattern(word)
        if is_indexed_word(word):
            conditions.append(Honoree.id.in_(_indexed(word, dialect)))
        else:
            conditions.append(
                sa.or_(*(like(sa.func.coalesce(getattr(Honoree, f), ""), pattern) for f in FIELDS))
            )
        rank.append(sa.case((like(Honoree.name, pattern), 0), else_=1))
    if not conditions:  # only spaces: nothing to look for
        conditions.append(sa.false())
    score = sum(rank[1:], rank[0]) if rank else sa.literal(0)
    return sa.select(Honoree.id.label("honoree_id"), score.label("rank")).where(*conditions)


def surname_only(term: str | None) -> str | None:
    """The surname a query looks for when it is one character (the page says so)."""
    found = words(term or "")
    return found[0] if len(found) == 1 and len(found[0]) == 1 else None
