"""Cycle use cases: scheduling from program templates and the one writer of cycle phases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.db_types import utcnow
from app.extensions import db
from app.programs.models import DEFAULT_PHASE_TEMPLATE, Cadence, Cycle, Program
from app.programs.workflow import (
    CyclePhase,
    TransitionError,
    allowed_moves,
    check_transition,
)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SCHEDULED_CADENCES = (Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.ANNUAL, Cadence.BIENNIAL)

# A precondition looks at a cycle about to enter a phase and returns why it may not
# (a message for the user) or None. Later domains register theirs (nominations, committee,
# public notice) so that this module never imports them.
Precondition = Callable[[Cycle, datetime], object | None]
_PRECONDITIONS: dict[CyclePhase, list[Precondition]] = {phase: [] for phase in CyclePhase}


# Effects run right after a cycle enters a phase (inside the same transaction), e.g. the
# committee freezes its roster when voting opens. Registered by later domains like checks.
Effect = Callable[[Cycle, datetime, object], None]
_EFFECTS: dict[CyclePhase, list[Effect]] = {phase: [] for phase in CyclePhase}


def on_enter(*targets: CyclePhase) -> Callable[[Effect], Effect]:
    def register(effect: Effect) -> Effect:
        for target in targets:
            _EFFECTS[target].append(effect)
        return effect

    return register


def precondition(*targets: CyclePhase) -> Callable[[Precondition], Precondition]:
    def register(check: Precondition) -> Precondition:
        for target in targets:
            _PRECONDITIONS[target].append(check)
        return check

    return register


# Work `honors schedule` does when a later domain's date arrives (e.g. the committee closes
# voting at `voting_ends_at`). A task takes (now, actor), writes through its own services
# and returns one line per thing done, for the command's output.
ScheduledTask = Callable[[datetime, object], list[str]]
_SCHEDULED: list[ScheduledTask] = []


def on_schedule(task: ScheduledTask) -> ScheduledTask:
    _SCHEDULED.append(task)
    return task


def run_scheduled(*, now: datetime, actor=None) -> list[str]:
    """Run every registered dated task; flushes, the caller commits."""
    return [line for task in _SCHEDULED for line in task(now, actor)]


class CycleDatesError(Exception):
    """Phase dates out of order; the message is shown next to the form."""


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def period_containing(cadence: Cadence, day: date, *, biennial_parity: int = 1) -> Period | None:
    """The cycle period of `cadence` that contains `day` (None: no biennial edition that year)."""
    if cadence is Cadence.MONTHLY:
        return Period(f"{day:%Y-%m}", day.replace(day=1), _month_end(day.year, day.month))
    if cadence is Cadence.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        return Period(f"{day.year}-Q{quarter}", first, _month_end(day.year, 3 * quarter))
    if cadence is Cadence.ANNUAL or (
        cadence is Cadence.BIENNIAL and day.year % 2 == biennial_parity
    ):
        return Period(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    return None


def due_periods(program: Program, today: date, until: date) -> list[Period]:
    """Every period from the one containing `today` to the one containing `until`."""
    parity = int(program.phase_template.get("biennial_parity", 1))
    periods: list[Period] = []
    day = today
    while day <= until:
        period = period_containing(program.cadence, day, biennial_parity=parity)
        if period is not None and (not periods or periods[-1].label != period.label):
            periods.append(period)
        day = (period.end if period else date(day.year, 12, 31)) + timedelta(days=1)
    return periods


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(ZoneInfo("UTC"))


def phase_dates(program: Program, start: date) -> dict[str, datetime]:
    """Phase boundaries of a new cycle from the program's template (local midnights)."""
    template = {**DEFAULT_PHASE_TEMPLATE, **(program.phase_template or {})}
    cursor = _local_midnight(start)
    dates = {"nominations_open_at": cursor}
    cursor += timedelta(days=int(template["nominating_days"]))
    dates["nominations_close_at"] = cursor
    cursor += timedelta(days=int(template["vetting_days"]))
    if program.public_review:
        dates["review_starts_at"] = cursor
        cursor += timedelta(days=int(template["public_review_days"]))
        dates["review_ends_at"] = cursor
    dates["voting_starts_at"] = cursor
    cursor += timedelta(days=int(template["voting_days"]))
    dates["voting_ends_at"] = cursor
    dates["notice_starts_at"] = cursor
    dates["notice_ends_at"] = cursor + timedelta(days=program.notice_days)
    return dates


def schedule_cycles(*, today: date, until: date | None = None, actor=None) -> list[Cycle]:
    """Create the due cycles of every active cadenced local program; idempotent."""
    until = max(until or today, today)
    programs = db.session.scalars(
        sa.select(Program).where(
            Program.is_active.is_(True),
            Program.external.is_(False),
            Program.cadence.in_(SCHEDULED_CADENCES),
        )
    ).all()
    existing = set(db.session.execute(sa.select(Cycle.program_id, Cycle.period)).tuples())
    created: list[Cycle] = []
    for program in programs:
        for period in due_periods(program, today, until):
            if (program.id, period.label) in existing:
                continue
            cycle = Cycle(
                program=program,
                period=period.label,
                reference_date=period.start,
                state=CyclePhase.DRAFT,
                **phase_dates(program, period.start),
            )
            db.session.add(cycle)
            created.append(cycle)
    db.session.flush()
    for cycle in created:
        record_event(
            "cycle.created",
            actor=actor,
            obj=cycle,
            after={"program": cycle.program.code, "period": cycle.period},
        )
    return created


def _when(moment: datetime) -> str:
    return format_datetime(moment, "yyyy-MM-dd HH:mm")


@precondition(CyclePhase.NOMINATING)
def _program_ready(cycle: Cycle, now: datetime) -> object | None:
    if not cycle.program.categories:
        return _l("The program has no categories to nominate in.")
    if cycle.nominations_close_at is None or cycle.nominations_close_at <= now:
        return _l("Set a nomination deadline in the future first.")
    return None


@precondition(CyclePhase.VETTING)
def _deadline_passed(cycle: Cycle, now: datetime) -> object | None:
    if cycle.nominations_close_at is not None and now < cycle.nominations_close_at:
        return _l(
            "Nominations are open until %(deadline)s; move the deadline to close them early.",
            deadline=_when(cycle.nominations_close_at),
        )
    return None


@precondition(CyclePhase.PUBLISHED)
def _notice_over(cycle: Cycle, now: datetime) -> object | None:
    if cycle.notice_ends_at is not None and now < cycle.notice_ends_at:
        return _l("The public notice runs until %(end)s.", end=_when(cycle.notice_ends_at))
    return None


def refusals(cycle: Cycle, target: CyclePhase, *, now: datetime) -> list[object]:
    """Why `cycle` may not enter `target` now (empty when it may)."""
    try:
        check_transition(cycle.state, target, public_review=cycle.program.public_review)
    except TransitionError:
        return [_l("This move is not allowed from the current phase.")]
    return [msg for check in _PRECONDITIONS[target] if (msg := check(cycle, now)) is not None]


def next_phases(cycle: Cycle) -> list[CyclePhase]:
    """The phases this cycle's state machine allows next (for one button each)."""
    return allowed_moves(cycle.state, public_review=cycle.program.public_review)


def transition_cycle(
    cycle: Cycle, target: CyclePhase, *, actor, now: datetime | None = None
) -> None:
    """The only writer of Cycle.state: checks the move and its preconditions, logs it."""
    now = now or utcnow()
    problems = refusals(cycle, target, now=now)
    if problems:
        raise TransitionError(" ".join(str(p) for p in problems))
    before = cycle.state
    cycle.state = target
    if target is CyclePhase.NOTICE:
        cycle.notice_starts_at = now
        cycle.notice_ends_at = now + timedelta(days=cycle.program.notice_days)
    if target is CyclePhase.PUBLISHED:
        cycle.published_at = now
    db.session.flush()
    for effect in _EFFECTS[target]:
        effect(cycle, now, actor)
    record_event(
        "cycle.transition",
        actor=actor,
        obj=cycle,
        before={"state": before.value},
        after={"state": target.value},
    )


DATE_FIELDS = (
    "nominations_open_at",
    "nominations_close_at",
    "review_starts_at",
    "review_ends_at",
    "voting_starts_at",
    "voting_ends_at",
    "notice_starts_at",
    "notice_ends_at",
)


def update_cycle_dates(cycle: Cycle, *, actor, **dates: datetime | None) -> None:
    """Change phase dates (e.g. move a deadline); each date must follow the one before."""
    before = {name: _iso(getattr(cycle, name)) for name in DATE_FIELDS}
    for name, value in dates.items():
        if name not in DATE_FIELDS:
            raise ValueError(name)
        setattr(cycle, name, value)
    previous = None
    for name in DATE_FIELDS:
        value = getattr(cycle, name)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            raise CycleDatesError(_l("Each date must not be earlier than the one before it."))
        previous = (name, value)
    db.session.flush()
    after = {name: _iso(getattr(cycle, name)) for name in DATE_FIELDS}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        record_event(
            "cycle.dates_changed",
            actor=actor,
            obj=cycle,
            before={k: before[k] for k in changed},
            after=changed,
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
