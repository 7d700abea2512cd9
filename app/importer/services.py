"""Read, validate and apply an import file: all rows or nothing, idempotent on re-import."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.audit.services import record_event
from app.core import sheet_reading as reading
from app.core.clock import local_today
from app.core.sheet_reading import ImportFileError
from app.db_types import utcnow
from app.extensions import db
from app.honors.services import published_honor
from app.orgs.models import Organisation, OrgKind
from app.programs.models import Cadence, Category, Level, Program
from app.programs.services import period_containing
from app.registry.models import (
    AwardKind,
    Gender,
    Honor,
    Honoree,
    HonoreeKind,
    HonorSource,
)

# Column headers as the city's sheets spell them (Chinese), with English aliases.
COLUMNS = {
    "name": ("姓名", "name"),
    "kind": ("类型", "kind"),
    "gender": ("性别", "gender"),
    "birth": ("出生日期或年份", "birth"),
    "unit": ("单位", "unit"),
    "district": ("区县", "district"),
    "program": ("评选项目", "program"),
    "period": ("期次", "period"),
    "start": ("开始日期", "start"),
    "end": ("结束日期", "end"),
    "category": ("类别", "category"),
    "level": ("级别", "level"),
    "award": ("奖项", "award"),
    "headline": ("事迹标题", "headline"),
    "story": ("事迹", "story"),
}
REQUIRED = ("name", "program", "period")
LEVELS = {
    "市": Level.CITY,
    "市级": Level.CITY,
    "省": Level.PROVINCE,
    "省级": Level.PROVINCE,
    "国": Level.NATION,
    "国家级": Level.NATION,
    "city": Level.CITY,
    "province": Level.PROVINCE,
    "nation": Level.NATION,
}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}
KINDS = {
    "个人": HonoreeKind.INDIVIDUAL,
    "集体": HonoreeKind.GROUP,
    "individual": HonoreeKind.INDIVIDUAL,
    "group": HonoreeKind.GROUP,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    honorees_created: int = 0
    honors_created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(sheet row number, {field: text}) for every non-empty data row, read as a stream."""
    if filename.lower().endswith(".csv"):
        table = reading.csv_table(data)
    elif filename.lower().endswith(".xlsx"):
        table = reading.xlsx_table(data)
    else:
        raise ImportFileError("type")
    return reading.records(table, COLUMNS, REQUIRED)


@dataclass
class _Lookups:
    programs: dict[str, Program]
    categories: dict[str, Category]
    districts: dict[str, Organisation]


def _lookups() -> _Lookups:
    programs = {}
    for program in db.session.scalars(sa.select(Program)):
        programs[program.code] = programs[program.name_zh] = program
    categories = {}
    for category in db.session.scalars(sa.select(Category)):
        categories[category.code] = categories[category.name_zh] = category
    districts = {
        o.name: o
        for o in db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrgKind.DISTRICT)
        )
    }
    return _Lookups(programs, categories, districts)


def _dates(program: Program, label: str, start: str, end: str) -> tuple[date, date] | None:
    if start and end:
        return date.fromisoformat(start), date.fromisoformat(end)
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if match:
        return _bounds(period_containing(Cadence.MONTHLY, date(int(match[1]), int(match[2]), 1)))
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    if match:
        return _bounds(
            period_containing(
                Cadence.QUARTERLY,
                date(int(match[1]), 3 * int(match[2]) - 2, 1),
            )
        )
    match = re.fullmatch(r"(\d{4})", label)
    if match:
        return date(int(match[1]), 1, 1), date(int(match[1]), 12, 31)
    return None


def _bounds(period) -> tuple[date, date]:
    return period.start, period.end


@dataclass
class _Row:
    number: int
    honoree_key: str
    name: str
    kind: HonoreeKind
    gender: Gender | None
    birth_date: date | None
    birth_year: int | None
    unit: str | None
    district: Organisation | None
    program: Program
    period: str
    start: date
    end: date
    category: Category | None
    award: AwardKind
    headline: str
    story: str


def _validate(number: int, raw: dict[str, str], look: _Lookups, errors: list[RowError]):
    def fail(column: str, reason: str) -> None:
        errors.append(RowError(number, COLUMNS[column][0], reason))

    count = len(errors)
    name = raw.get("name", "")
    if not name:
        fail("name", "必填")
    elif len(name) > 100:
        fail("name", "超过 100 个字符")
    program = look.programs.get(raw.get("program", ""))
    if program is None:
        fail("program", f"未知的评选项目“{raw.get('program', '')}”")
    period = raw.get("period", "")
    if not period:
        fail("period", "必填")
    kind = KINDS.get(raw.get("kind", "") or "个人")
    if kind is None:
        fail("kind", "应为“个人”或“集体”")
    gender = None
    if raw.get("gender"):
        gender = GENDERS.get(raw["gender"])
        if gender is None:
            fail("gender", "应为“男”或“女”")
    birth_date = birth_year = None
    birth = raw.get("birth", "")
    if birth:
        try:
            if re.fullmatch(r"\d{4}", birth):
                birth_year = int(birth)
                if not 1900 <= birth_year <= local_today().year:
                    raise ValueError(birth)
            else:
                birth_date = date.fromisoformat(birth)
                birth_year = birth_date.year
        except ValueError:
            fail("birth", "日期格式应为 YYYY-MM-DD 或 YYYY")
    district = None
    if raw.get("district"):
        district = look.districts.get(raw["district"])
        if district is None:
            fail("district", f"未知的区县“{raw['district']}”")
    category = None
    if raw.get("category"):
        category = look.categories.get(raw["category"])
        if category is None:
            fail("category", f"未知的类别“{raw['category']}”")
    if raw.get("level") and program is not None:
        level = LEVELS.get(raw["level"])
        if level is None:
            fail("level", "应为 市/省/国")
        elif level is not program.level:
            fail("level", "与评选项目的级别不一致")
    award = (
        AwardKind.NOMINATION_AWARD
        if raw.get("award") in ("提名奖", "nomination_award")
        else AwardKind.HONOREE
    )
    headline = raw.get("headline", "")
    if len(headline) > 70:
        fail("headline", "超过 70 个字符")
    dates = None
    if program is not None and period:
        try:
            dates = _dates(program, period, raw.get("start", ""), raw.get("end", ""))
        except ValueError:
            fail("start", "日期格式应为 YYYY-MM-DD")
        else:
            if dates is None:
                fail("start", "无法从期次推算日期：请填写开始日期和结束日期")
            elif dates[0] > dates[1]:
                fail("end", "结束日期早于开始日期")
    if len(errors) > count:
        return None
    key_source = f"{name}|{birth_date or birth_year or ''}|{district.code if district else ''}"
    return _Row(
        number=number,
        honoree_key=hashlib.sha256(key_source.encode()).hexdigest()[:12],
        name=name,
        kind=kind,
        gender=gender if kind is HonoreeKind.INDIVIDUAL else None,
        birth_date=birth_date if kind is HonoreeKind.INDIVIDUAL else None,
        birth_year=birth_year if kind is HonoreeKind.INDIVIDUAL else None,
        unit=raw.get("unit") or None,
        district=district,
        program=program,
        period=period,
        start=dates[0],
        end=dates[1],
        category=category,
        award=award,
        headline=headline,
        story=raw.get("story", ""),
    )


PROGRESS_STEP = 500


def import_rows(
    rows: list[tuple[int, dict[str, str]]],
    *,
    dry_run: bool,
    actor,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate every row; write only when all are valid and not a dry run (caller commits)."""
    for event in iter_import(rows, dry_run=dry_run, actor=actor):
        if isinstance(event, ImportResult):
            return event
        if progress:
            progress(event)
    raise AssertionError("iter_import ends with its result")  # pragma: no cover


def iter_import(rows: list[tuple[int, dict[str, str]]], *, dry_run: bool, actor):
    """The import as a generator: yields the number of rows checked since the last yield
    (every PROGRESS_STEP rows, for progress displays), then the ImportResult."""
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    look = _lookups()
    valid: list[_Row] = []
    pending = 0
    for number, raw in rows:
        row = _validate(number, raw, look, result.errors)
        if row is not None:
            valid.append(row)
        pending += 1
        if pending == PROGRESS_STEP:
            yield pending
            pending = 0
    if pending:
        yield pending
    if result.errors or dry_run:
        yield _count(result, valid)
        return
    yield _apply(result, valid, actor)


def _apply(result: ImportResult, valid: list[_Row], actor) -> ImportResult:
    slugs = {
        h.slug: h for h in db.session.scalars(sa.select(Honoree).where(Honoree.slug.like("imp-%")))
    }
    existing = set(
        db.session.execute(
            sa.select(Honor.honoree_id, Honor.program_id, Honor.period_label, Honor.award)
        ).tuples()
    )
    now = utcnow()
    for row in valid:
        slug = f"imp-{row.honoree_key}"
        honoree = slugs.get(slug)
        if honoree is None:
            honoree = Honoree(
                slug=slug,
                kind=row.kind,
                name=row.name,
                gender=row.gender,
                birth_date=row.birth_date,
                birth_year=row.birth_year,
                unit=row.unit,
                district_id=row.district.id if row.district else None,
                headline=row.headline,
                story_md=row.story,
                consent_given=True,
                consent_collected_by="历史档案导入",
            )
            db.session.add(honoree)
            db.session.flush()
            slugs[slug] = honoree
            result.honorees_created += 1
        key = (honoree.id, row.program.id, row.period, row.award)
        if key in existing:
            result.unchanged += 1
            continue
        db.session.add(
            published_honor(
                honoree.id,
                row.program.id,
                source=HonorSource.IMPORT,
                period_label=row.period,
                period_start=row.start,
                period_end=row.end,
                published_at=now,
                award=row.award,
                category_id=row.category.id if row.category else None,
                created_at=now,
            )
        )
        existing.add(key)
        result.honors_created += 1
    db.session.flush()
    record_event(
        "import.applied",
        actor=actor,
        object_type="honors",
        after={
            "rows": result.rows,
            "honorees": result.honorees_created,
            "honors": result.honors_created,
            "unchanged": result.unchanged,
        },
    )
    return result


def _count(result: ImportResult, valid: list[_Row]) -> ImportResult:
    """For a dry run: what would be created (no writes)."""
    if result.errors:
        return result
    slugs = set(db.session.scalars(sa.select(Honoree.slug).where(Honoree.slug.like("imp-%"))))
    honors = set(
        db.session.execute(
            sa.select(Honoree.slug, Honor.program_id, Honor.period_label, Honor.award)
            .join(Honor, Honor.honoree_id == Honoree.id)
            .where(Honoree.slug.like("imp-%"))
        ).tuples()
    )
    seen_slugs: set[str] = set()
    for row in valid:
        slug = f"imp-{row.honoree_key}"
        if slug not in slugs and slug not in seen_slugs:
            result.honorees_created += 1
            seen_slugs.add(slug)
        key = (slug, row.program.id, row.period, row.award)
        if key in honors:
            result.unchanged += 1
        else:
            honors.add(key)
            result.honors_created += 1
    return result


def iter_template_rows() -> Iterator[list[str]]:
    yield [names[0] for names in COLUMNS.values()]
