"""The city's real program catalogue (SPEC §2) and the one service that seeds it.

Both `honors init` (a real installation) and `honors demo` seed programs from here, so the
demo runs on exactly the catalogue a city gets. Only programs, categories, their links and
feeds live here: no people, accounts, organisations or stories. The data and its seeding
sit together in this module (not in services.py, which is about cycles) so that the list
and the code reading it change together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.audit.services import record_event
from app.extensions import db
from app.programs.models import (
    BallotRule,
    Cadence,
    Category,
    Level,
    NomineeKind,
    Program,
    ProgramCategory,
)

# The national five categories (全国道德模范 and 中国好人榜 use them) and the youth ones.
CLASSIC_CATEGORIES = ("altruistic", "brave", "honest", "dedicated", "filial")
YOUTH_CATEGORIES = ("diligent", "self_reliant", "public_spirited", "innovative")

# (code, name_zh, name_en)
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("altruistic", "助人为乐", "Helping others"),
    ("brave", "见义勇为", "Bravery"),
    ("honest", "诚实守信", "Honesty and trustworthiness"),
    ("dedicated", "敬业奉献", "Dedication at work"),
    ("filial", "孝老爱亲", "Filial piety and family love"),
    ("diligent", "勤学善思", "Diligent study and reflection"),
    ("self_reliant", "自强自立", "Self-reliance"),
    ("public_spirited", "热心公益", "Public spirit"),
    ("innovative", "创新创造", "Innovation and creativity"),
)

# Phase lengths in days (the keys of DEFAULT_PHASE_TEMPLATE). A monthly list runs its
# calendar in about five weeks; yearly and biennial selections give units a month to
# nominate and the secretariat time to consult (征求意见) before the committee meets.
MONTHLY_PHASES = {
    "nominating_days": 15,
    "vetting_days": 5,
    "public_review_days": 5,
    "voting_days": 3,
    "notice_days": 7,
}
QUARTERLY_PHASES = {
    "nominating_days": 30,
    "vetting_days": 10,
    "public_review_days": 7,
    "voting_days": 5,
    "notice_days": 7,
}
ANNUAL_PHASES = {
    "nominating_days": 30,
    "vetting_days": 15,
    "public_review_days": 10,
    "voting_days": 7,
    "notice_days": 7,
}
# Biennial editions fall in odd years (2025, 2027, ...).
BIENNIAL_PHASES = {**ANNUAL_PHASES, "nominating_days": 45, "biennial_parity": 1}

# Weighted criteria of score ballots (programs with ballot_rule "score"), in percent.
TOUCHING_LUOHE_CRITERIA: tuple[dict[str, Any], ...] = (
    {
        "code": "deeds",
        "name_zh": "事迹感人程度",
        "name_en": "How moving the deeds are",
        "weight": 40,
    },
    {"code": "influence", "name_zh": "社会影响", "name_en": "Social influence", "weight": 30},
    {"code": "recognition", "name_zh": "群众认可度", "name_en": "Public recognition", "weight": 30},
)


@dataclass(frozen=True)
class ProgramSpec:
    code: str
    name_zh: str
    name_en: str
    level: Level
    cadence: Cadence
    nominee_kind: NomineeKind
    external: bool = False
    quota: int | None = None
    group_quota: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    ballot_rule: BallotRule = BallotRule.APPROVAL
    score_criteria: tuple[dict[str, Any], ...] = ()
    public_review: bool = False
    public_weight_pct: int = 0
    notice_days: int = 7
    cooldown: bool = True
    pupils_give_school: bool = False
    has_nomination_award: bool = False
    minors_in_public_review: bool = False
    categories: tuple[str, ...] = CLASSIC_CATEGORIES
    category_quota: int | None = None  # per-category quota for every listed category
    feeds: tuple[str, ...] = ()  # codes of the lists its honorees are recommended to
    phase_template: dict[str, int] = field(default_factory=lambda: dict(MONTHLY_PHASES))


PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        "top_ten_citizens",
        "十佳市民",
        "Top Ten Citizens",
        Level.CITY,
        Cadence.MONTHLY,
        NomineeKind.INDIVIDUAL,
        quota=10,
        public_review=True,
        public_weight_pct=20,
    ),
    ProgramSpec(
        "luohe_good",
        "漯河好人",
        "Luohe Good People",
        Level.CITY,
        Cadence.MONTHLY,
        NomineeKind.BOTH,
        quota=10,
        public_review=True,
        feeds=("henan_good",),
    ),
    ProgramSpec(
        "good_youth",
        "新时代好少年",
        "Good Youth of the New Era",
        Level.CITY,
        Cadence.QUARTERLY,
        NomineeKind.BOTH,
        quota=10,
        age_min=6,
        age_max=18,
        pupils_give_school=True,
        categories=YOUTH_CATEGORIES,
        feeds=("national_good_youth",),
        phase_template=QUARTERLY_PHASES,
    ),
    # Shortlisted by staff from the year's monthly honorees (see vetting.queries.year_honorees()).
    ProgramSpec(
        "touching_luohe",
        "感动漯河年度人物",
        "Touching Luohe Figures of the Year",
        Level.CITY,
        Cadence.ANNUAL,
        NomineeKind.BOTH,
        quota=10,
        group_quota=1,
        ballot_rule=BallotRule.SCORE,
        score_criteria=TOUCHING_LUOHE_CRITERIA,
        public_review=True,
        public_weight_pct=30,
        phase_template=ANNUAL_PHASES,
    ),
    ProgramSpec(
        "city_moral_model",
        "漯河市道德模范",
        "Luohe Moral Models",
        Level.CITY,
        Cadence.BIENNIAL,
        NomineeKind.INDIVIDUAL,
        quota=10,
        category_quota=2,
        has_nomination_award=True,
        feeds=("henan_moral_model",),
        phase_template=BIENNIAL_PHASES,
    ),
    ProgramSpec(
        "henan_good",
        "河南好人榜",
        "Henan Good People List",
        Level.PROVINCE,
        Cadence.IRREGULAR,
        NomineeKind.BOTH,
        external=True,
        cooldown=False,
        feeds=("china_good",),
    ),
    ProgramSpec(
        "henan_moral_model",
        "河南省道德模范",
        "Henan Provincial Moral Models",
        Level.PROVINCE,
        Cadence.IRREGULAR,
        NomineeKind.BOTH,
        external=True,
        cooldown=False,
        has_nomination_award=True,
        feeds=("national_moral_model",),
    ),
    ProgramSpec(
        "china_good",
        "中国好人榜",
        "China Good People List",
        Level.NATION,
        Cadence.IRREGULAR,
        NomineeKind.BOTH,
        external=True,
        cooldown=False,
    ),
    ProgramSpec(
        "national_moral_model",
        "全国道德模范",
        "National Moral Models",
        Level.NATION,
        Cadence.IRREGULAR,
        NomineeKind.BOTH,
        external=True,
        cooldown=False,
        has_nomination_award=True,
    ),
    ProgramSpec(
        "national_good_youth",
        "全国新时代好少年",
        "National Good Youth of the New Era",
        Level.NATION,
        Cadence.IRREGULAR,
        NomineeKind.BOTH,
        external=True,
        cooldown=False,
        categories=YOUTH_CATEGORIES,
    ),
)

# Keys of the dict seed_catalogue() returns.
SEED_KINDS = ("categories", "programs", "program_categories", "program_feeds")


def _new_program(spec: ProgramSpec, sort_order: int) -> Program:
    return Program(
        code=spec.code,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        level=spec.level,
        external=spec.external,
        cadence=spec.cadence,
        quota=spec.quota,
        group_quota=spec.group_quota,
        nominee_kind=spec.nominee_kind,
        age_min=spec.age_min,
        age_max=spec.age_max,
        ballot_rule=spec.ballot_rule,
        score_criteria=[dict(c) for c in spec.score_criteria],
        public_review=spec.public_review,
        public_weight_pct=spec.public_weight_pct,
        notice_days=spec.notice_days,
        cooldown=spec.cooldown,
        pupils_give_school=spec.pupils_give_school,
        has_nomination_award=spec.has_nomination_award,
        minors_in_public_review=spec.minors_in_public_review,
        phase_template=dict(spec.phase_template),
        sort_order=sort_order,
    )


def seed_catalogue(*, actor=None) -> dict[str, int]:
    """Create the categories and programs of the catalogue that are missing; flushes, never
    commits. Returns the number of rows created per kind (all zero on a second run).

    Idempotent by code, and a program that exists is never touched: staff may have edited
    its rules, categories or feeds since, and running `honors init` again must not undo
    that. Links and feeds are laid only for the programs created in this run.
    """
    created = dict.fromkeys(SEED_KINDS, 0)
    categories = {c.code: c for c in db.session.scalars(sa.select(Category))}
    new_categories = []
    for order, (code, name_zh, name_en) in enumerate(CATEGORIES, start=1):
        if code not in categories:
            category = Category(code=code, name_zh=name_zh, name_en=name_en, sort_order=order * 10)
            db.session.add(category)
            categories[code] = category
            new_categories.append(category)
    programs = {p.code: p for p in db.session.scalars(sa.select(Program))}
    new_programs: list[tuple[ProgramSpec, Program]] = []
    for order, spec in enumerate(PROGRAMS, start=1):
        if spec.code not in programs:
            program = _new_program(spec, order * 10)
            db.session.add(program)
            programs[spec.code] = program
            new_programs.append((spec, program))
    db.session.flush()
    for spec, program in new_programs:
        for code in spec.categories:
            program.categories.append(
                ProgramCategory(category_id=categories[code].id, quota=spec.category_quota)
            )
        program.feeds.extend(programs[code] for code in spec.feeds if code in programs)
        created["program_categories"] += len(spec.categories)
        created["program_feeds"] += len(program.feeds)
    db.session.flush()
    for category in new_categories:
        record_event(
            "category.created",
            actor=actor,
            obj=category,
            after={"code": category.code, "name_zh": category.name_zh},
        )
    for spec, program in new_programs:
        record_event(
            "program.created",
            actor=actor,
            obj=program,
            after={
                "code": program.code,
                "name_zh": program.name_zh,
                "level": program.level.value,
                "cadence": program.cadence.value,
                "external": program.external,
                "categories": list(spec.categories),
                "feeds": [target.code for target in program.feeds],
            },
        )
    created["categories"] = len(new_categories)
    created["programs"] = len(new_programs)
    return created
