"""`honors synth`: a synthetic registry of any size for benchmarks (SPEC §13).

On top of the demo data set: ten years of published cycles of the city's own programs,
and N honorees with realistic Chinese text (the demo's story templates with random
people and communities), each holding one published honor of one of those cycles. Every
tenth honoree has a photo; they share a few small placeholder images (the bench measures
pages, not image storage). Rows go in with executemany batches; flushes, never commits.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from app.db_types import utcnow
from app.demo import data
from app.demo.history import (
    Period,
    Planner,
    month_index,
    month_period,
    period_dates,
    quarter_period,
    year_period,
)
from app.demo.live import placeholder_portrait
from app.extensions import db
from app.honors.services import honor_row, published_honor
from app.orgs.models import Organisation
from app.programs.models import Cadence, Category, Cycle, CyclePhase, Program
from app.registry.models import Honor, Honoree, HonorSource

BATCH = 2_000
YEARS = 10
PHOTO_EVERY = 10
SLUG_PREFIX = "sy-"


class _SynthPlanner(Planner):
    """The demo's planner without its unique-name pool (100,000 people share names)."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.rng = random.Random(seed)  # nosec B311 # seeded synthetic data

    def _unique(self, make) -> str:
        return make()


@dataclass(frozen=True)
class _Slot:
    """A published cycle that synthetic honors are spread over."""

    program: Program
    cycle_id: int
    period: Period
    published_at: datetime


def _periods(cadence: Cadence, first_year: int, last_year: int) -> Iterator[Period]:
    for year in range(first_year, last_year + 1):
        if cadence is Cadence.MONTHLY:
            for month in range(1, 13):
                yield month_period(month_index(year, month))
        elif cadence is Cadence.QUARTERLY:
            for quarter in range(1, 5):
                yield quarter_period(year, quarter)
        else:
            yield year_period(year)


def _slots(last_year: int, now: datetime) -> list[_Slot]:
    """Published cycles of the local adult programs (monthly, quarterly, annual), 10 years."""
    programs = db.session.scalars(
        sa.select(Program)
        .where(
            Program.external.is_(False),
            Program.age_max.is_(None),  # adults only: the planner makes grown-ups
            Program.cadence.in_([Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.ANNUAL]),
        )
        .order_by(Program.sort_order, Program.id)
    ).all()
    existing = {(c.program_id, c.period): c for c in db.session.scalars(sa.select(Cycle))}
    slots = []
    for program in programs:
        for period in _periods(program.cadence, last_year - YEARS + 1, last_year):
            cycle = existing.get((program.id, period.label))
            if cycle is None:
                dates = period_dates(program, period, CyclePhase.PUBLISHED)
                cycle = Cycle(
                    program_id=program.id,
                    period=period.label,
                    state=CyclePhase.PUBLISHED,
                    reference_date=period.start,
                    results_applied_at=dates["notice_starts_at"],
                    created_at=now,
                    **dates,
                )
                db.session.add(cycle)
                db.session.flush()
            if cycle.state is CyclePhase.PUBLISHED and cycle.published_at is not None:
                slots.append(_Slot(program, cycle.id, period, cycle.published_at))
    return slots


def _placeholder_photos(upload_root: Path, count: int = 5) -> list[tuple[str, str, int, int]]:
    """A few portrait silhouettes stored like uploads: (path, thumb, width, height)."""
    from app.core import uploads

    photos = []
    for index in range(count):
        stored = uploads.store_photo(placeholder_portrait(index), upload_root)
        photos.append((stored.path, stored.thumb_path, stored.width, stored.height))
    return photos


def synthesize(
    honorees: int,
    *,
    upload_root: Path | None = None,
    seed: int = 2026,
    now: datetime | None = None,
    progress=None,
) -> dict[str, int]:
    """Add `honorees` synthetic honorees with one published honor each; returns counts.

    Run after `load_demo()`. Slugs continue after any earlier synthetic rows, so running
    it twice adds twice as many. `progress(done)` is called after every batch.
    """
    now = now or utcnow()
    last_year = now.year - 1
    slots = _slots(last_year, now)
    if not slots:
        raise RuntimeError("no local programs: load the demo data first")
    categories = {c.code: c.id for c in db.session.scalars(sa.select(Category))}
    orgs = {o.code: (o.id, o.district_id) for o in db.session.scalars(sa.select(Organisation))}
    start = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Honoree)
            .where(Honoree.slug.like(SLUG_PREFIX + "%"))
        )
        or 0
    )
    photos = _placeholder_photos(upload_root) if upload_root is not None else []
    planner = _SynthPlanner(seed + start)
    rng = planner.rng
    created = {"cycles": len(slots), "honorees": 0, "honors": 0}
    for batch_start in range(0, honorees, BATCH):
        size = min(BATCH, honorees - batch_start)
        plans = []
        for offset in range(size):
            slot = slots[rng.randrange(len(slots))]
            category = rng.choice(data.CLASSIC_CATEGORIES)
            first = slot.period.start
            plan = planner.person(category, first)
            plans.append((start + batch_start + offset, slot, category, plan))
        planner.honorees.clear()
        rows = []
        for number, _slot, _category, plan in plans:
            org_id, district_id = orgs.get(plan.org_code, (None, None))
            photo = photos[number % len(photos)] if photos and number % PHOTO_EVERY == 0 else None
            rows.append(
                {
                    "slug": f"{SLUG_PREFIX}{number + 1:06d}",
                    "kind": plan.kind,
                    "name": plan.name,
                    "gender": plan.gender,
                    "birth_date": plan.birth_date,
                    "birth_year": plan.birth_date.year if plan.birth_date else None,
                    "ethnicity": plan.ethnicity,
                    "political_status": plan.political_status,
                    "education": plan.education,
                    "unit": plan.unit,
                    "post": plan.post,
                    "organisation_id": org_id,
                    "district_id": district_id,
                    "headline": plan.headline[:70],
                    "summary": plan.summary[:500],
                    "story_md": plan.story_md,
                    "photo_path": photo[0] if photo else None,
                    "photo_thumb_path": photo[1] if photo else None,
                    "photo_width": photo[2] if photo else None,
                    "photo_height": photo[3] if photo else None,
                    "photo_alt": f"{plan.name}的照片（占位图）" if photo else None,
                    "consent_given": True,
                    "consent_collected_by": plan.consent_by,
                    "consent_at": plan.consent_at,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        ids = db.session.scalars(
            sa.insert(Honoree).returning(Honoree.id, sort_by_parameter_order=True), rows
        ).all()
        honors = [
            honor_row(
                published_honor(
                    honoree_id,
                    slot.program.id,
                    source=HonorSource.LOCAL,
                    period_label=slot.period.label,
                    period_start=slot.period.start,
                    period_end=slot.period.end,
                    published_at=slot.published_at,
                    cycle_id=slot.cycle_id,
                    category_id=categories.get(category),
                    created_at=now,
                )
            )
            for honoree_id, (_n, slot, category, _plan) in zip(ids, plans, strict=True)
        ]
        db.session.execute(sa.insert(Honor), honors)
        created["honorees"] += size
        created["honors"] += size
        if progress is not None:
            progress(size)
    return created
