"""Statistics tables; each is a list of (label, value) rows computed in one query."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.core.cache import aggregate
from app.core.clock import local_today
from app.extensions import db
from app.honors.queries import CHINA_GOOD, CHINA_LIST_SINCE
from app.orgs.models import Organisation
from app.programs.models import Category, Level, Program
from app.registry.models import Gender, Honor, Honoree, HonoreeKind
from app.registry.queries import public_honor_filter


@dataclass(frozen=True)
class Table:
    key: str
    rows: list[tuple[str, int]]

    @property
    def maximum(self) -> int:
        return max((v for _l, v in self.rows), default=0)


def _base() -> sa.Select:
    return (
        sa.select()
        .select_from(Honor)
        .join(Honoree, Honor.honoree_id == Honoree.id)
        .join(Program, Honor.program_id == Program.id)
        .where(public_honor_filter())
    )


def by_program(lang: str) -> Table:
    name = Program.name_en if lang == "en" else Program.name_zh
    rows = db.session.execute(
        _base()
        .add_columns(name, sa.func.count(sa.distinct(Honoree.id)))
        .group_by(name, Program.sort_order)
        .order_by(Program.sort_order)
    ).all()
    return Table("program", [(label, n) for label, n in rows])


def by_level() -> Table:
    rows = dict(
        db.session.execute(
            _base()
            .add_columns(Program.level, sa.func.count(sa.distinct(Honoree.id)))
            .group_by(Program.level)
        )
        .tuples()
        .all()
    )
    return Table("level", [(str(level.label), rows.get(level, 0)) for level in Level])


def by_kind() -> Table:
    rows = dict(
        db.session.execute(
            _base()
            .add_columns(Honoree.kind, sa.func.count(sa.distinct(Honoree.id)))
            .group_by(Honoree.kind)
        )
        .tuples()
        .all()
    )
    return Table("kind", [(str(k.label), rows.get(k, 0)) for k in HonoreeKind])


def by_category(lang: str) -> Table:
    name = Category.name_en if lang == "en" else Category.name_zh
    rows = db.session.execute(
        _base()
        .join(Category, Honor.category_id == Category.id)
        .add_columns(name, sa.func.count(Honor.id))
        .group_by(name, Category.sort_order)
        .order_by(Category.sort_order)
    ).all()
    return Table("category", [(label, n) for label, n in rows])


def by_district() -> Table:
    rows = db.session.execute(
        _base()
        .join(Organisation, Honoree.district_id == Organisation.id)
        .add_columns(Organisation.name, sa.func.count(sa.distinct(Honoree.id)))
        .group_by(Organisation.name, Organisation.code)
        .order_by(Organisation.code)
    ).all()
    return Table("district", [(label, n) for label, n in rows])


def by_gender(not_given: str) -> Table:
    rows = dict(
        db.session.execute(
            _base()
            .where(Honoree.kind == HonoreeKind.INDIVIDUAL)
            .add_columns(Honoree.gender, sa.func.count(sa.distinct(Honoree.id)))
            .group_by(Honoree.gender)
        )
        .tuples()
        .all()
    )
    return Table(
        "gender",
        [(str(g.label), rows.get(g, 0)) for g in Gender]
        + ([(not_given, rows[None])] if rows.get(None) else []),
    )


AGE_BANDS = ((0, 17, "<18"), (18, 34, "18–34"), (35, 59, "35–59"), (60, 200, "60+"))


def by_age_band(unknown_label: str, today: date | None = None) -> Table:
    """Age today from the birth year (the public field), by band."""
    year = (today or local_today()).year
    rows = db.session.execute(
        _base()
        .where(Honoree.kind == HonoreeKind.INDIVIDUAL)
        .add_columns(Honoree.birth_year, sa.func.count(sa.distinct(Honoree.id)))
        .group_by(Honoree.birth_year)
    ).all()
    counts: Counter[str] = Counter()
    for birth_year, n in rows:
        if birth_year is None:
            counts[unknown_label] += n
            continue
        age = year - birth_year
        band = next(label for low, high, label in AGE_BANDS if low <= age <= high)
        counts[band] += n
    ordered = [label for _lo, _hi, label in AGE_BANDS] + [unknown_label]
    return Table("age", [(label, counts[label]) for label in ordered if counts[label]])


def timeline(months: int = 24) -> Table:
    """Honors per month of their period, the last `months` months that have data."""
    rows = (
        db.session.execute(
            _base().where(Program.external.is_(False)).add_columns(Honor.period_start)
        )
        .scalars()
        .all()
    )
    counts = Counter(f"{d:%Y-%m}" for d in rows)
    labels = sorted(counts)[-months:]
    return Table("timeline", [(label, counts[label]) for label in labels])


@dataclass(frozen=True)
class Streak:
    since: date
    months_elapsed: int
    months_with_entry: int
    entries: int

    @property
    def average_per_month(self) -> float:
        return self.entries / self.months_elapsed if self.months_elapsed else 0.0


def national_streak(since: date = CHINA_LIST_SINCE, today: date | None = None) -> Streak:
    """中国好人榜 since `since`: months elapsed, months with a Luohe entry, entries."""
    today = today or local_today()
    starts = (
        db.session.execute(
            _base()
            .where(Program.code == CHINA_GOOD, Honor.period_start >= since)
            .add_columns(Honor.period_start)
        )
        .scalars()
        .all()
    )
    elapsed = (today.year - since.year) * 12 + today.month - since.month + 1
    return Streak(
        since=since,
        months_elapsed=elapsed,
        months_with_entry=len({(d.year, d.month) for d in starts}),
        entries=len(starts),
    )


LANGUAGES = ("zh", "en")


def tables(lang: str) -> dict[str, Table]:
    """Every statistics table in `lang`, once per version of the public data."""
    return aggregate("stats-tables", lambda: _compute_tables(lang), lang)


def _compute_tables(lang: str) -> dict[str, Table]:
    return {
        "program": by_program(lang),
        "level": by_level(),
        "kind": by_kind(),
        "category": by_category(lang),
        "district": by_district(),
        "gender": by_gender(str(_l("Not given"))),
        "age": by_age_band(str(_l("Unknown"))),
        "timeline": timeline(),
    }


def streak() -> Streak:
    """The years without a gap on the national list, once per version of the public data."""
    return aggregate("national-streak", national_streak)


def warm() -> None:
    """Compute /stats' aggregates for the current version, in each language."""
    for lang in LANGUAGES:
        with force_locale(lang):
            tables(lang)
    streak()
