"""The bigram search index (app/roll/search.py) finds exactly what a LIKE scan finds.

A differential test over the demo plus synthetic honorees: 2-, 3- and 4-character words,
names, Latin words in any case and digits, each compared with LIKE over the same fields and
rows; a one-character query with `LIKE 'x%'` over names. Then: the index follows inserts,
corrections, deletion and bulk inserts; name matches rank first; the page says when a
query is searched as a surname.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.db_types import like_pattern
from app.demo.services import load_demo
from app.demo.synth import synthesize
from app.extensions import db
from app.registry.models import Honoree
from app.roll.queries import RollFilters, roll_page
from app.roll.search import FIELDS, bigrams, matching_honorees, words
from tests import factories

NOW = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)
LATIN = [
    ("Wang Fang", "ABC物流公司", "Zhang-San 2019年在K128次列车上救人", "护送 3 名学生"),
    ("李A1", "xyz社区", "累计献血 4000 毫升", "qq群 12345 里的志愿者"),
]


def _found(term: str) -> set[int]:
    statement = matching_honorees(term, db.engine.dialect.name)
    return {row.honoree_id for row in db.session.execute(statement)}


def _like_scan(term: str) -> set[int]:
    """The reference: each word by LIKE over the fields (a lone character: name prefix)."""
    sensitive = db.engine.dialect.name == "sqlite"
    conditions = []
    for word in words(term):

        def like(column, pattern):
            column = sa.func.coalesce(column, "")
            if sensitive:
                return column.like(pattern, escape="\\")
            return column.ilike(pattern, escape="\\")

        if len(word) == 1:
            conditions.append(like(Honoree.name, like_pattern(word)[1:]))
        else:
            pattern = like_pattern(word)
            conditions.append(sa.or_(*(like(getattr(Honoree, f), pattern) for f in FIELDS)))
    return set(db.session.scalars(sa.select(Honoree.id).where(*conditions)))


def _queries(rng: random.Random) -> list[str]:
    rows = db.session.execute(sa.select(*(getattr(Honoree, f) for f in FIELDS))).all()
    queries = set()
    for row in rng.sample(rows, 40):
        name = row[0]
        queries.update({name, name[0], name[1:]})
        for text in row[1:]:
            runs = [r for r in re.split(r"[\W_]+", text or "") if len(r) >= 4]
            if runs:
                run = rng.choice(runs)
                for size in (2, 3, 4):
                    start = rng.randrange(len(run) - size + 1)
                    queries.add(run[start : start + size])
    queries.update(
        {
            "救人",
            "孝老",
            "志愿",
            "王芳",
            "李强",
            "陈春生",  # common words and names
            "wang",
            "WANG",
            "fang",
            "abc",
            "Abc",
            "K128",
            "128",
            "2019",
            "12",
            "a1",
            "qq",
            "zhang-san",
            "A1",
            "4000毫升",  # Latin, digits, mixed, a hyphen (the LIKE path)
            "王 救人",
            "志愿 服务",  # two words: both must match
            "w",
            "W",
            "李",
            "%",
            "_",
            "\U0010ffff",  # one character: a surname
            "不存在的词",
            "zz",
            "王王",  # nothing
        }
    )
    return sorted(queries)


@pytest.fixture
def registry(app):
    with app.app_context():
        load_demo(now=NOW, upload_root=Path(app.instance_path) / "uploads", receipt_secret="s")
        synthesize(400, now=NOW)
        for name, unit, headline, summary in LATIN:
            factories.make_honoree(name=name, unit=unit, headline=headline, summary=summary)
        db.session.commit()
        yield


def test_bigram_search_equals_a_like_scan_for_every_query(registry):
    queries = _queries(random.Random(15))
    assert len(queries) > 150
    differ = {q: (_found(q), _like_scan(q)) for q in queries if _found(q) != _like_scan(q)}
    assert differ == {}
    assert _found("wang") and _found("2019") and _found("救人")  # the set is not all empty


def test_a_two_character_query_is_answered_by_the_index_not_a_scan(registry):
    statement = str(matching_honorees("王芳", db.engine.dialect.name).compile(db.engine))
    assert "LIKE" not in statement.upper().split("WHERE", 1)[1].split("CASE")[0]
    assert ("MATCH" in statement) or ("@@" in statement)


def test_bigrams_mark_the_end_of_each_run_so_phrases_never_join_two():
    assert bigrams("陈春生") == "陈春 春生 0"
    assert bigrams("ab cd", "Ef") == "ab 0 cd 0 ef 0"
    assert bigrams("王", None) == "0 0"  # one character and an empty field: gaps only


def test_the_index_follows_inserts_corrections_deletions_and_bulk_inserts(app):
    with app.app_context():
        honoree = factories.make_honoree(name="欧阳明月", headline="深夜送医")
        assert _found("阳明") == {honoree.id}
        admin = factories.make_user(Role.ADMIN)
        from app.registry.services import correct_honoree

        correct_honoree(honoree, changes={"name": "司马青山"}, reason="改名", actor=admin)
        db.session.commit()
        assert _found("阳明") == set()
        assert _found("青山") == {honoree.id}
        honoree.story_md = "她在河边救起落水儿童。"
        db.session.commit()
        assert _found("落水") == {honoree.id}
        (new_id,) = db.session.execute(
            sa.insert(Honoree).returning(Honoree.id),
            [
                {
                    "slug": "bulk-1",
                    "kind": "individual",
                    "name": "东方红日",
                    "headline": "见义勇为",
                    "summary": "",
                    "story_md": "",
                    "consent_given": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        ).scalars()
        assert _found("方红") == {new_id}
        db.session.delete(honoree)
        db.session.commit()
        assert _found("青山") == set() and _found("落水") == set()
        assert _found("见义") == {new_id}


def test_name_matches_rank_before_story_matches(app):
    with app.app_context():
        program = factories.make_program()
        in_story = factories.make_honoree(
            name="赵一", headline="帮助邻居", story_md="他常看望孤老王芳。"
        )
        in_name = factories.make_honoree(name="王芳", headline="照顾老人")
        factories.make_honor(in_story, program, period="2026-11")  # newer
        factories.make_honor(in_name, program, period="2026-10")
        result = roll_page(RollFilters(q="王芳"))
        assert [h.honoree.name for h in result.items] == ["王芳", "赵一"]


def test_one_character_lists_only_names_beginning_with_it_and_the_page_says_so(client, app):
    with app.app_context():
        program = factories.make_program()
        for name in ("王芳", "李王"):
            factories.make_honor(factories.make_honoree(name=name), program)
    html = client.get("/roll", query_string={"q": "王"}).get_data(as_text=True)
    names = re.findall(r'class="card-title"><a [^>]*>(.*?)</a>', html)
    assert [re.sub(r"</?mark>", "", n) for n in names] == ["王芳"]
    status = html.split('role="status"')[1].split("</p>")[0]
    assert "按姓氏查找" in status and "“王”" in status
