"""The demo's fictional history: a seeded plan of honorees and honors whose totals
reproduce the city's reported figures (SPEC §1), the periods they are named after and the
dates of a history list's phases. Pure: the plan is the same on every call and never
depends on the current date; app/demo/services.py loads it.
"""

from __future__ import annotations

import random
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from app.demo import data
from app.programs.models import Cadence, Program
from app.programs.workflow import CyclePhase
from app.registry.models import AwardKind, Gender, HonoreeKind

# The reported figures (SPEC §1) the registry is built to reproduce.
LUOHE_GOOD_PEOPLE = 251
HENAN_GOOD_PEOPLE = 42
HENAN_GOOD_GROUPS = 3
CHINA_GOOD_PEOPLE = 48
CHINA_MONTHLY_ENTRIES = 41  # 2018-08..2022-12; the rest falls in the quarterly era

# Days between a period's end and its list's release, per program (inclusive range).
RELEASE_DELAY_DAYS: dict[str, tuple[int, int]] = {
    "top_ten_citizens": (18, 22),
    "luohe_good": (18, 22),
    "good_youth": (20, 30),
    "touching_luohe": (30, 50),
    "city_moral_model": (20, 40),
    "henan_good": (10, 25),
    "china_good": (10, 25),
    "henan_moral_model": (15, 40),
    "national_moral_model": (15, 40),
    "national_good_youth": (20, 40),
}
RELEASE_TIME = time(2, 0)  # 10:00 in Luohe

# Days each phase of a sample cycle lasts.
NOMINATING_DAYS = {Cadence.MONTHLY: 24, Cadence.QUARTERLY: 45}
VETTING_DAYS = 5
PUBLIC_REVIEW_DAYS = 5
VOTING_DAYS = 3


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_period(index: int) -> Period:
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return Period(
        f"{year:04d}-{month:02d}",
        date(year, month, 1),
        date(year, month, monthrange(year, month)[1]),
    )


def quarter_period(year: int, quarter: int) -> Period:
    last_month = quarter * 3
    return Period(
        f"{year}-Q{quarter}",
        date(year, last_month - 2, 1),
        date(year, last_month, monthrange(year, last_month)[1]),
    )


def year_period(year: int, label: str | None = None) -> Period:
    return Period(label or str(year), date(year, 1, 1), date(year, 12, 31))


def parse_period(label: str) -> Period:
    """'2026-11' → month, '2026-Q4' → quarter, '2026' → year."""
    if "-Q" in label:
        year, quarter = label.split("-Q")
        return quarter_period(int(year), int(quarter))
    if "-" in label:
        year, month = label.split("-")
        return month_period(month_index(int(year), int(month)))
    return year_period(int(label))


def release_time(program: str, period: Period) -> datetime:
    """When a list was released: after the period, the same for everyone on the list."""
    low, high = RELEASE_DELAY_DAYS[program]
    rng = random.Random(f"release:{program}:{period.label}")  # nosec B311 # demo data
    day = period.end + timedelta(days=rng.randint(low, high))
    return datetime.combine(day, RELEASE_TIME, tzinfo=UTC)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


# --------------------------------------------------------------------------- the plan


@dataclass
class PlannedHonoree:
    slug: str
    kind: HonoreeKind
    name: str
    category: str
    org_code: str
    headline: str
    summary: str
    story_md: str
    unit: str | None
    post: str | None
    consent_by: str
    consent_at: date
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    political_status: str | None = None
    education: str | None = None
    members: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedHonor:
    slug: str
    program: str
    category: str
    period: Period
    award: AwardKind = AwardKind.HONOREE


@dataclass(frozen=True)
class _Community:
    code: str
    name: str
    township: str
    district: str

    @property
    def committee(self) -> str:
        return self.name + ("村委会" if self.name.endswith("村") else "居委会")


class Planner:
    """Builds the fictional registry in memory, deterministically from data.SEED."""

    def __init__(self) -> None:
        self.rng = random.Random(data.SEED)  # nosec B311 # seeded demo data
        self.honorees: list[PlannedHonoree] = []
        self.honors: list[PlannedHonor] = []
        self._names: set[str] = set()
        self.communities = [
            _Community(f"{code}-s{i}-c{j}", community, township, district)
            for code, district, townships in data.DISTRICTS
            for i, (township, communities) in enumerate(townships, start=1)
            for j, community in enumerate(communities, start=1)
        ]

    # -- names

    def _unique(self, make) -> str:
        for _ in range(10_000):
            name = make()
            if name not in self._names and name not in data.NAME_BLOCKLIST:
                self._names.add(name)
                return name
        raise RuntimeError("demo name pool exhausted")

    def person_name(self, gender: Gender, *, child: bool = False) -> str:
        rng = self.rng
        if child:
            pool = data.GIVEN_CHILD_MALE if gender is Gender.MALE else data.GIVEN_CHILD_FEMALE
        else:
            pool = data.GIVEN_MALE if gender is Gender.MALE else data.GIVEN_FEMALE

        def make() -> str:
            size = 1 if (not child and rng.random() < 0.2) else 2
            return rng.choice(data.SURNAMES) + "".join(rng.choice(pool) for _ in range(size))

        return self._unique(make)

    # -- honorees

    def _slug(self) -> str:
        return f"lh-{len(self.honorees) + 1:05d}"

    def _context(self, template: data.StoryTemplate, community: _Community, first: date) -> dict:
        rng = self.rng
        deed_year = (first - timedelta(days=90)).year
        years = rng.randint(*template.years)
        return {
            "community": community.name,
            "committee": community.committee,
            "township": community.township,
            "district": community.district,
            "year": deed_year,
            "years": years,
            "start_year": deed_year - years,
            "num": rng.randint(*template.num),
            "amount": rng.choice(template.amounts),
            "river": rng.choice(data.RIVERS),
            "media": data.MEDIA,
        }

    def _story(self, template: data.StoryTemplate, closing: str, ctx: dict) -> str:
        ending = self.rng.choice(data.CLOSINGS[closing])
        return f"{template.story}\n\n{ending}".format_map(ctx)

    def person(self, category: str, first: date) -> PlannedHonoree:
        """A new adult honoree whose first honor's period starts on `first`."""
        rng = self.rng
        template = rng.choice([t for t in data.PERSON_TEMPLATES if t.category == category])
        gender = Gender(template.gender) if template.gender else rng.choice(list(Gender))
        community = rng.choice(self.communities)
        age = rng.randint(*template.age)
        ctx = self._context(template, community, first)
        # Keep "N years of ..." within an adult life.
        ctx["years"] = min(ctx["years"], age - 18)
        ctx["start_year"] = ctx["year"] - ctx["years"]
        name = self.person_name(gender)
        male = gender is Gender.MALE
        ctx |= {
            "name": name,
            "he": "他" if male else "她",
            "elder": "大哥" if male else "大姐",
            "relative": template.relatives[0 if male else 1],
        }
        unit, post = rng.choice(template.posts)
        ctx["unit"] = unit.format_map(ctx)
        ctx["post"] = post.format_map(ctx) if post else ""
        education = rng.choice(data.EDUCATION)
        if template.category == "dedicated" and template.key in {"icu_nurse", "rural_teacher"}:
            education = rng.choice(("大专", "本科"))
        honoree = PlannedHonoree(
            slug=self._slug(),
            kind=HonoreeKind.INDIVIDUAL,
            name=name,
            category=category,
            org_code=community.code,
            headline=template.headline.format_map(ctx),
            summary=template.summary.format_map(ctx),
            story_md=self._story(template, category, ctx),
            unit=ctx["unit"],
            post=ctx["post"] or None,
            consent_by=community.committee,
            consent_at=first + timedelta(days=rng.randint(2, 20)),
            gender=gender,
            birth_date=first.replace(year=first.year - age) - timedelta(days=rng.randint(1, 360)),
            ethnicity=rng.choice(data.ETHNICITIES),
            political_status=rng.choice(data.POLITICAL),
            education=education,
        )
        self.honorees.append(honoree)
        return honoree

    def youth(self, category: str, first: date) -> PlannedHonoree:
        """A new minor honoree, 8–17 years old on `first`."""
        rng = self.rng
        template = next(t for t in data.YOUTH_TEMPLATES if t.category == category)
        gender = rng.choice(list(Gender))
        community = rng.choice(self.communities)
        age = rng.randint(max(8, template.age[0]), min(17, template.age[1]))
        if age <= 12:
            school = rng.choice(data.PRIMARY_SCHOOLS)
        elif age <= 15:
            school = rng.choice(data.MIDDLE_SCHOOLS)
        else:
            school = rng.choice(data.HIGH_SCHOOLS)
        grade = data.GRADES[age]
        name = self.person_name(gender, child=True)
        ctx = self._context(template, community, first)
        ctx |= {
            "name": name,
            "he": "他" if gender is Gender.MALE else "她",
            "school": school,
            "grade": grade,
            "age": age,
        }
        honoree = PlannedHonoree(
            slug=self._slug(),
            kind=HonoreeKind.INDIVIDUAL,
            name=name,
            category=category,
            org_code=community.code,
            headline=template.headline.format_map(ctx),
            summary=template.summary.format_map(ctx),
            story_md=self._story(template, "youth", ctx),
            unit=school,
            post=grade,
            consent_by=f"{school}（监护人同意）",
            consent_at=first + timedelta(days=rng.randint(2, 20)),
            gender=gender,
            # 1–360 days before the birthday that makes them `age` on `first`.
            birth_date=first.replace(year=first.year - age) - timedelta(days=rng.randint(1, 360)),
            ethnicity=rng.choice(data.ETHNICITIES),
            political_status="少先队员" if age <= 13 else "共青团员",
        )
        self.honorees.append(honoree)
        return honoree

    def group(self, template: data.StoryTemplate, first: date) -> PlannedHonoree:
        """A new collective honoree with 3–8 members, the first of them its leader."""
        rng = self.rng
        if template is data.YOUTH_GROUP_TEMPLATE:
            patterns: tuple[str, ...] = ("{school}红领巾志愿服务小队",)
        else:
            patterns = data.GROUP_NAMES[template.key]
        while True:  # another place until the name is free
            community = rng.choice(self.communities)
            school = rng.choice(data.PRIMARY_SCHOOLS)
            places = {
                "community": community.name,
                "township": community.township,
                "district": community.district,
                "school": school,
            }
            name = rng.choice(patterns).format_map(places)
            if name not in self._names:
                self._names.add(name)
                break
        ctx = self._context(template, community, first) | {"school": school}
        size = rng.randint(3, 8)
        members = []
        for position in range(size):
            # An 爱心妈妈 team is made of mothers.
            gender = Gender.FEMALE if "妈妈" in name else rng.choice(list(Gender))
            member = self.person_name(gender)
            post = data.GROUP_MEMBER_POSTS[min(position, 2)]
            if template is data.YOUTH_GROUP_TEMPLATE:
                post = "辅导老师" if position == 0 else "队员"
            members.append((member, post))
        ctx |= {"name": name, "leader": members[0][0], "size": rng.randint(2, 9)}
        unit = template.posts[0][0].format_map(ctx)
        honoree = PlannedHonoree(
            slug=self._slug(),
            kind=HonoreeKind.GROUP,
            name=name,
            category=template.category,
            org_code=community.code,
            headline=template.headline.format_map(ctx),
            summary=template.summary.format_map(ctx),
            story_md=self._story(template, "group", ctx),
            unit=unit,
            post=None,
            consent_by=community.committee,
            consent_at=first + timedelta(days=rng.randint(2, 20)),
            members=members,
        )
        self.honorees.append(honoree)
        return honoree

    def honor(
        self,
        honoree: PlannedHonoree,
        program: str,
        period: Period,
        award: AwardKind = AwardKind.HONOREE,
    ) -> None:
        self.honors.append(PlannedHonor(honoree.slug, program, honoree.category, period, award))

    def classic_category(self) -> str:
        # 助人为乐 and the everyday virtues are more frequent than acts of bravery.
        return self.rng.choices(data.CLASSIC_CATEGORIES, weights=(30, 14, 16, 20, 20))[0]


@dataclass
class _Local:
    """A luohe_good honoree and the month index of that honor."""

    honoree: PlannedHonoree
    month: int


def _pick(rng: random.Random, pool: list[_Local], low: int, high: int) -> _Local:
    """Take (and remove) a random pool entry honored in months low..high, widening if empty."""
    while True:
        candidates = [entry for entry in pool if low <= entry.month <= high]
        if candidates:
            entry = rng.choice(candidates)
            pool.remove(entry)
            return entry
        if low < month_index(2015, 1):
            raise RuntimeError("demo plan: no luohe_good honoree left to promote")
        low -= 12


def _plan_luohe_good(p: Planner) -> list[_Local]:
    """251 漯河好人, a few a month from 2015-01 to the last month, some months without."""
    rng = p.rng
    first, last = month_index(2015, 1), month_index(*data.LAST_LUOHE_GOOD_MONTH)
    months = list(range(first, last + 1))
    recent = set(months[-2:])  # the latest two lists always have names
    active = sorted(set(rng.sample(months[:-2], int(len(months) * 0.8))) | recent)
    counts = dict.fromkeys(active, 1) | dict.fromkeys(recent, 3)
    remaining = LUOHE_GOOD_PEOPLE - sum(counts.values())
    while remaining > 0:
        month = rng.choice(active)
        if counts[month] < 6:
            counts[month] += 1
            remaining -= 1
    locals_: list[_Local] = []
    for month in active:
        for _ in range(counts[month]):
            honoree = p.person(p.classic_category(), month_period(month).start)
            p.honor(honoree, "luohe_good", month_period(month))
            locals_.append(_Local(honoree, month))
    return locals_


def _plan_promotions(p: Planner, locals_: list[_Local]) -> None:
    """河南好人榜 (42 people + 3 groups) and 中国好人榜 since 2018-08 (48 people + 1 group)."""
    rng = p.rng
    pool = list(locals_)
    # 中国好人榜 slots: monthly era, most months with one entry and two months with two...
    monthly = list(range(month_index(2018, 8), month_index(2022, 12) + 1))
    distinct = CHINA_MONTHLY_ENTRIES - 2
    chosen = sorted(rng.sample(monthly, distinct))
    doubled = rng.sample(chosen, 2)
    slots = [(month_period(m), m) for m in sorted(chosen + doubled)]
    # ...then the quarterly era for the rest.
    quarters = [(y, q) for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
    rest = CHINA_GOOD_PEOPLE + 1 - len(slots)
    for year, quarter in sorted(rng.sample(quarters, rest)):
        slots.append((quarter_period(year, quarter), month_index(year, quarter * 3 - 2)))

    # One slot goes to a collective that was on the 河南好人榜 before.
    group_slot = rng.choice(
        [s for s in slots if month_index(2019, 6) <= s[1] <= month_index(2021, 12)]
    )
    slots.remove(group_slot)
    group_template = data.GROUP_TEMPLATES[0]
    henan_month = group_slot[1] - rng.randint(4, 14)
    group = p.group(group_template, month_period(henan_month).start)
    p.honor(group, "henan_good", month_period(henan_month))
    p.honor(group, "china_good", group_slot[0])

    # The 48 individuals: promotion chains 漯河好人 → 河南好人 → 中国好人, direct promotions
    # 漯河好人 → 中国好人, people first honored by the province, and people only on the
    # national list.
    kinds = ["chain"] * 26 + ["direct"] * 14 + ["province_first"] * 2 + ["national_only"] * 6
    rng.shuffle(kinds)
    henan_people = 0
    for (period, month), kind in zip(slots, kinds, strict=True):
        if kind == "chain":
            local = _pick(rng, pool, month - 36, month - 3)
            henan_month = rng.randint(local.month + 1, month - 1)
            p.honor(local.honoree, "henan_good", month_period(henan_month))
            p.honor(local.honoree, "china_good", period)
            henan_people += 1
        elif kind == "direct":
            local = _pick(rng, pool, month - 30, month - 2)
            p.honor(local.honoree, "china_good", period)
        elif kind == "province_first":
            henan_month = month - rng.randint(3, 18)
            honoree = p.person(p.classic_category(), month_period(henan_month).start)
            p.honor(honoree, "henan_good", month_period(henan_month))
            p.honor(honoree, "china_good", period)
            henan_people += 1
        else:
            honoree = p.person(p.classic_category(), period.start)
            p.honor(honoree, "china_good", period)

    # The rest of the 河南好人榜: promoted 漯河好人, people first honored by the province and
    # two more collectives.
    last_henan = month_index(2026, 8)
    new_people = 4
    for _ in range(HENAN_GOOD_PEOPLE - henan_people - new_people):
        local = _pick(rng, pool, month_index(2015, 6), last_henan - 2)
        henan_month = min(local.month + rng.randint(2, 8), last_henan)
        p.honor(local.honoree, "henan_good", month_period(henan_month))
    for _ in range(new_people):
        henan_month = rng.randint(month_index(2016, 1), last_henan)
        honoree = p.person(p.classic_category(), month_period(henan_month).start)
        p.honor(honoree, "henan_good", month_period(henan_month))
    for template in data.GROUP_TEMPLATES[1:3]:
        henan_month = rng.randint(month_index(2016, 1), last_henan)
        group = p.group(template, month_period(henan_month).start)
        p.honor(group, "henan_good", month_period(henan_month))


def _plan_moral_models(p: Planner, locals_: list[_Local]) -> None:
    """河南省道德模范 3 + 提名奖 3; 全国道德模范 1 + 提名奖 1 (provincial honorees)."""
    rng = p.rng
    pool = list(locals_)
    provincial = [
        ("第六届", 2016, AwardKind.HONOREE),
        ("第六届", 2016, AwardKind.NOMINATION_AWARD),
        ("第七届", 2018, AwardKind.HONOREE),
        ("第八届", 2020, AwardKind.NOMINATION_AWARD),
        ("第九届", 2022, AwardKind.HONOREE),
        ("第九届", 2022, AwardKind.NOMINATION_AWARD),
    ]
    models = []
    for label, year, award in provincial:
        local = _pick(rng, pool, month_index(year - 3, 1), month_index(year - 1, 12))
        p.honor(local.honoree, "henan_moral_model", year_period(year, label), award)
        if award is AwardKind.HONOREE:
            models.append(local.honoree)
    # The 2016 model later received the national nomination award, the 2018 one the title.
    p.honor(
        models[0], "national_moral_model", year_period(2019, "第七届"), AwardKind.NOMINATION_AWARD
    )
    p.honor(models[1], "national_moral_model", year_period(2021, "第八届"), AwardKind.HONOREE)


def _plan_local_history(p: Planner, locals_: list[_Local]) -> None:
    """Lists that the headline figures do not count: 漯河市道德模范, 感动漯河, 十佳市民, 好少年."""
    rng = p.rng

    # 漯河市道德模范: biennial, two per classic category, from earlier 漯河好人.
    used: set[str] = set()
    for year in (2021, 2023, 2025):
        for category in data.CLASSIC_CATEGORIES:
            candidates = [
                entry
                for entry in locals_
                if entry.honoree.category == category
                and entry.month < month_index(year, 1)
                and entry.honoree.slug not in used
            ]
            for entry in rng.sample(candidates, 2):
                used.add(entry.honoree.slug)
                p.honor(entry.honoree, "city_moral_model", year_period(year))

    # 感动漯河年度人物: ten people (漯河好人 of that year or the one before) and a collective.
    used = set()
    for year in range(2019, data.FIRST_LIVE_MONTH[0] - 1):  # the year before is live
        candidates = [
            entry
            for entry in locals_
            if month_index(year - 1, 1) <= entry.month <= month_index(year, 12)
            and entry.honoree.slug not in used
        ]
        for entry in rng.sample(candidates, 10):
            used.add(entry.honoree.slug)
            p.honor(entry.honoree, "touching_luohe", year_period(year))
        template = data.GROUP_TEMPLATES[year % len(data.GROUP_TEMPLATES)]
        p.honor(p.group(template, date(year, 1, 1)), "touching_luohe", year_period(year))

    # 十佳市民: ten a month, a few of them earlier 漯河好人, the rest new names.
    used = set()
    first, last = data.TOP_TEN_MONTHS
    for month in range(month_index(*first), month_index(*last) + 1):
        period = month_period(month)
        candidates = [
            entry for entry in locals_ if entry.month < month - 2 and entry.honoree.slug not in used
        ]
        returning = rng.sample(candidates, 3)
        for entry in returning:
            used.add(entry.honoree.slug)
            p.honor(entry.honoree, "top_ten_citizens", period)
        for _ in range(10 - len(returning)):
            p.honor(p.person(p.classic_category(), period.start), "top_ten_citizens", period)

    # 新时代好少年: a few minors a quarter, one school team; one went on to the national list.
    for year, quarter in (
        (2025, 1),
        (2025, 2),
        (2025, 3),
        (2025, 4),
        (2026, 1),
        (2026, 2),
        (2026, 3),
    ):
        period = quarter_period(year, quarter)
        youths = [
            p.youth(rng.choice(data.YOUTH_CATEGORIES), period.start)
            for _ in range(rng.randint(3, 5))
        ]
        for youth in youths:
            p.honor(youth, "good_youth", period)
        if (year, quarter) == (2025, 1):
            p.honor(youths[0], "national_good_youth", year_period(2025))
        if (year, quarter) == (2025, 3):
            p.honor(p.group(data.YOUTH_GROUP_TEMPLATE, period.start), "good_youth", period)


def build_plan() -> tuple[list[PlannedHonoree], list[PlannedHonor]]:
    """The whole fictional registry, the same on every call."""
    planner = Planner()
    locals_ = _plan_luohe_good(planner)
    _plan_promotions(planner, locals_)
    _plan_moral_models(planner, locals_)
    _plan_local_history(planner, locals_)
    return planner.honorees, planner.honors


def period_dates(program: Program, period: Period, state: CyclePhase) -> dict[str, datetime]:
    """A history list's phase dates, laid out from its period's first day."""
    nominating = NOMINATING_DAYS.get(program.cadence, 30)
    dates = {
        "nominations_open_at": _at(period.start, 1),
        "nominations_close_at": _at(period.start + timedelta(days=nominating), 9),
    }
    moment = dates["nominations_close_at"] + timedelta(days=VETTING_DAYS)
    if program.public_review:
        dates["review_starts_at"] = moment
        moment += timedelta(days=PUBLIC_REVIEW_DAYS)
        dates["review_ends_at"] = moment
    dates["voting_starts_at"] = moment
    moment += timedelta(days=VOTING_DAYS)
    dates["voting_ends_at"] = moment
    dates["notice_starts_at"] = moment
    dates["notice_ends_at"] = moment + timedelta(days=program.notice_days)
    if state in (CyclePhase.PUBLISHED, CyclePhase.CLOSED):
        dates["published_at"] = max(
            release_time(program.code, period), dates["notice_ends_at"] + timedelta(hours=1)
        )
    return dates
