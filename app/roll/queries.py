"""The one roll query: filters that combine, search, ranking, pagination, highlighting."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import contains_eager, joinedload

from app.core.cache import aggregate, memoized
from app.extensions import db
from app.orgs.queries import districts
from app.programs.models import Category, Level, Program
from app.registry.models import Honor, Honoree, HonoreeKind
from app.registry.queries import public_honor_filter
from app.roll.search import matching_honorees, words

PER_PAGE = 20
MAX_TERM = 50


@dataclass(frozen=True)
class RollFilters:
    program: str | None = None
    level: Level | None = None
    year: int | None = None
    period: str | None = None
    category: str | None = None
    district: int | None = None
    kind: HonoreeKind | None = None
    q: str | None = None

    def args(self) -> dict[str, str]:
        """The filters as URL arguments (so they stay in the URL)."""
        values = {
            "program": self.program,
            "level": self.level.value if self.level else None,
            "year": str(self.year) if self.year else None,
            "period": self.period,
            "category": self.category,
            "district": str(self.district) if self.district else None,
            "kind": self.kind.value if self.kind else None,
            "q": self.q,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class RollPage:
    items: list[Honor]
    total: int
    page: int
    per_page: int
    filters: RollFilters
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page))


def _statement(filters: RollFilters) -> sa.Select:
    stmt = sa.select(Honor).join(Honor.honoree).join(Honor.program).where(public_honor_filter())
    if filters.program:
        stmt = stmt.where(Program.code == filters.program)
    if filters.level:
        stmt = stmt.where(Program.level == filters.level)
    if filters.year:
        stmt = stmt.where(
            Honor.period_start.between(date(filters.year, 1, 1), date(filters.year, 12, 31))
        )
    if filters.period:
        stmt = stmt.where(Honor.period_label == filters.period)
    if filters.category:
        stmt = stmt.join(Category, Honor.category_id == Category.id).where(
            Category.code == filters.category
        )
    if filters.district:
        stmt = stmt.where(Honoree.district_id == filters.district)
    if filters.kind:
        stmt = stmt.where(Honoree.kind == filters.kind)
    return stmt


def filter_domains() -> dict[str, frozenset[str]]:
    """The values the roll's data-dependent filters can take (program and category codes,
    period labels, district ids), kept per public data version: a value outside them
    filters nothing and is no part of a page's cache key."""
    return aggregate("roll-filter-domains", _filter_domains)


def _filter_domains() -> dict[str, frozenset[str]]:
    return {
        "program": frozenset(db.session.scalars(sa.select(Program.code))),
        "category": frozenset(db.session.scalars(sa.select(Category.code))),
        "period": frozenset(db.session.scalars(sa.select(Honor.period_label).distinct())),
        "district": frozenset(str(org.id) for org in districts()),
    }


def _total(stmt: sa.Select, filters: RollFilters) -> int:
    """The number of honors `stmt` lists: for the whole roll (/roll, the API's first page)
    an aggregate warmed at each publication, otherwise kept per filters and version."""

    def count() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))

    if filters == RollFilters():
        return aggregate("roll-total", count)
    return memoized("roll-total", count, filters)


def warm() -> None:
    """Compute the roll's aggregates for the current version: the filters' values and the
    whole roll's total."""
    filter_domains()
    _total(_statement(RollFilters()), RollFilters())


def roll_page(filters: RollFilters, page: int = 1, per_page: int = PER_PAGE) -> RollPage:
    """One page of published honors, newest first or best match first when searching."""
    stmt = _statement(filters)
    order = [Honor.period_start.desc(), Honor.id.desc()]
    if filters.q:
        matches = matching_honorees(filters.q, db.engine.dialect.name).subquery()
        stmt = stmt.join(matches, matches.c.honoree_id == Honoree.id)
        order = [matches.c.rank.asc(), *order]
    total = _total(stmt, filters)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = list(
        db.session.scalars(
            stmt.options(
                contains_eager(Honor.honoree).joinedload(Honoree.district),
                contains_eager(Honor.program),
                joinedload(Honor.category),
            )
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).unique()
    )
    return RollPage(items=items, total=total, page=page, per_page=per_page, filters=filters)


def highlight(text: str | None, term: str | None, *, width: int | None = None) -> Markup:
    """Escape `text` and wrap each occurrence of the query's words in <mark> (case aside);
    optionally a snippet of `width` characters around the first one."""
    text = text or ""
    found = _words_pattern(term)
    if width and len(text) > width:
        first = found.search(text) if found else None
        start = max(0, first.start() - width // 3) if first else 0
        text = ("…" if start else "") + text[start : start + width] + "…"
    if not found:
        return escape(text)
    parts = found.split(text)  # the pattern's one group keeps the matches at odd places
    return Markup("").join(
        Markup("<mark>{}</mark>").format(part) if i % 2 else escape(part)
        for i, part in enumerate(parts)
    )


def mentions(text: str | None, term: str | None) -> bool:
    """Whether `text` shows one of the query's words (then no story snippet is needed)."""
    found = _words_pattern(term)
    return bool(found and text and found.search(text))


@functools.lru_cache(maxsize=256)  # a results page asks several times per card
def _words_pattern(term: str | None) -> re.Pattern | None:
    chosen = sorted(words(term or ""), key=len, reverse=True)
    if not chosen:
        return None
    return re.compile("(" + "|".join(re.escape(w) for w in chosen) + ")", re.IGNORECASE)


def plain(markdown_text: str) -> str:
    """Markdown source reduced to text for snippets (no markup survives: it is escaped)."""
    return re.sub(r"[#>*_`\[\]()-]+", " ", markdown_text or "").replace("\n", " ").strip()
