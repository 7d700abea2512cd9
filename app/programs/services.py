"""Cycle use cases: scheduling from program templates and the one writer of cycle phases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.core.clock import LOCAL_TZ
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.programs.labels import DATE_LABELS
from app.programs.models import (
    DEFAULT_PHASE_TEMPLATE,
    MIN_NOTICE_DAYS,
    PHASE_END_FIELDS,
    Cadence,
    Cycle,
    CycleDateChange,
    Program,
)
from app.programs.rules import cycle_rules, freeze_rules
from app.programs.workflow import (
    CyclePhase,
    TransitionError,
    allowed_moves,
    check_transition,
)

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
    """Register `effect` for entering each target (app/wiring.py); once, however often."""

    def register(effect: Effect) -> Effect:
        for target in targets:
            if effect not in _EFFECTS[target]:
                _EFFECTS[target].append(effect)
        return effect

    return register


def precondition(*targets: CyclePhase) -> Callable[[Precondition], Precondition]:
    """Register `check` before entering each target (app/wiring.py); once, however often."""

    def register(check: Precondition) -> Precondition:
        for target in targets:
            if check not in _PRECONDITIONS[target]:
                _PRECONDITIONS[target].append(check)
        return check

    return register


def require_phase(cycle: Cycle, phases: frozenset[CyclePhase], error: type[RefusedError]) -> None:
    """Refuse (with the domain's `error`) an action that does not belong to the cycle's phase.

    Pages hide such actions, but a request can be forged: every staff service checks here.
    """
    if cycle.state not in phases:
        order = list(CyclePhase)
        allowed = ", ".join(str(p.label) for p in sorted(phases, key=order.index))
        raise error(
            _l(
                "Not possible while the cycle is in the phase “%(phase)s” (only in: %(allowed)s).",
                phase=cycle.state.label,
                allowed=allowed,
            )
        )


# Work `honors schedule` does when a later domain's date arrives (e.g. the committee closes
# voting at `voting_ends_at`). A task takes (now, actor), writes through its own services
# and returns one line per thing done, for the command's output.
ScheduledTask = Callable[[datetime, object], list[str]]
_SCHEDULED: list[ScheduledTask] = []


def on_schedule(task: ScheduledTask) -> ScheduledTask:
    """Register a dated task of `honors schedule` (app/wiring.py); once, however often."""
    if task not in _SCHEDULED:
        _SCHEDULED.append(task)
    return task


def registered_hooks() -> dict[str, object]:
    """Every precondition, on-enter effect and scheduled task, in order (for the wiring
    test and for a newcomer asking what runs when)."""
    return {
        "preconditions": {
            phase: list(checks) for phase, checks in _PRECONDITIONS.items() if checks
        },
        "effects": {phase: list(effects) for phase, effects in _EFFECTS.items() if effects},
        "scheduled": list(_SCHEDULED),
    }


def run_scheduled(*, now: datetime, actor=None) -> list[str]:
    """Run every registered dated task; flushes, the caller commits."""
    return [line for task in _SCHEDULED for line in task(now, actor)]


class CycleDatesError(RefusedError):
    """A refused date change; the message is shown next to the date field `field`."""


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


def held_after_period(program: Program) -> bool:
    """Whether the program's cycles are held once the period they honour is over: an annual
    list is chosen from the year's monthly honorees after the year ends (感动漯河2026年度人物
    in early 2027). Annual programs are, unless their template says otherwise."""
    template = program.phase_template or {}
    return bool(template.get("held_after_period", program.cadence is Cadence.ANNUAL))


def _in_previous_period(cadence: Cadence, day: date) -> date:
    unit = Cadence.ANNUAL if cadence is Cadence.BIENNIAL else cadence
    return period_containing(unit, day).start - timedelta(days=1)


def due_periods(program: Program, today: date, until: date) -> list[Period]:
    """The periods whose cycles are held from `today` to `until`: those containing these
    days, or the ones before them for a program held after its period."""
    parity = int((program.phase_template or {}).get("biennial_parity", 1))
    if held_after_period(program):
        today = _in_previous_period(program.cadence, today)
        until = _in_previous_period(program.cadence, until)
    periods: list[Period] = []
    day = today
    while day <= until:
        period = period_containing(program.cadence, day, biennial_parity=parity)
        if period is not None and (not periods or periods[-1].label != period.label):
            periods.append(period)
        day = (period.end if period else date(day.year, 12, 31)) + timedelta(days=1)
    return periods


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


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
    dates["notice_ends_at"] = cursor + notice_length(program)
    return dates


def notice_length(program: Program) -> timedelta:
    """How long a public notice lasts at least: the program's days, never under seven."""
    return timedelta(days=max(MIN_NOTICE_DAYS, program.notice_days))


def cycle_notice_length(cycle: Cycle) -> timedelta:
    """How long this cycle's notice lasts at least, by the rules that decide the cycle."""
    return timedelta(days=max(MIN_NOTICE_DAYS, cycle_rules(cycle).notice_days))


def schedule_cycles(*, today: date, until: date | None = None, actor=None) -> list[Cycle]:
    """Create the due cycles of every active cadenced local program; idempotent.

    A cycle is named after the period it honours (its `reference_date` is that period's
    first day); its phases start then, or the day after the period for a program held
    after its period (the 2026 annual cycle opens on 1 January 2027). A cycle created when
    that start's nomination window has already closed starts today instead, so that it
    can be held rather than wait for staff to move every date."""
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
        after = held_after_period(program)
        for period in due_periods(program, today, until):
            if (program.id, period.label) in existing:
                continue
            opens = period.end + timedelta(days=1) if after else period.start
            dates = phase_dates(program, opens)
            if dates["nominations_close_at"] <= _local_midnight(today):
                # Created after its nomination window would have closed (a city installing
                # mid-period, a program activated late): held from today, full lengths.
                dates = phase_dates(program, today)
            cycle = Cycle(
                program=program,
                period=period.label,
                reference_date=period.start,
                state=CyclePhase.DRAFT,
                **dates,
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


def when_label(moment: datetime) -> str:
    """A date as the refusals name it: Beijing time to the minute."""
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
            deadline=when_label(cycle.nominations_close_at),
        )
    return None


@precondition(CyclePhase.PUBLIC_REVIEW)
def _review_end_ahead(cycle: Cycle, now: datetime) -> object | None:
    if cycle.review_ends_at is not None and cycle.review_ends_at <= now:
        return _l(
            "The public review was to end at %(end)s, which has passed; move its end first.",
            end=when_label(cycle.review_ends_at),
        )
    return None


@precondition(CyclePhase.PUBLISHED)
def _notice_over(cycle: Cycle, now: datetime) -> object | None:
    if cycle.notice_ends_at is not None and now < cycle.notice_ends_at:
        return _l("The public notice runs until %(end)s.", end=when_label(cycle.notice_ends_at))
    # Whatever the stored end says, the notice has lasted its minimum since it began.
    if cycle.notice_starts_at is not None:
        earliest = cycle.notice_starts_at + cycle_notice_length(cycle)
        if now < earliest:
            return _l("The public notice runs until %(end)s.", end=when_label(earliest))
    return None


def refusals(cycle: Cycle, target: CyclePhase, *, now: datetime) -> list[object]:
    """Why `cycle` may not enter `target` now (empty when it may)."""
    try:
        check_transition(cycle.state, target, public_review=cycle_rules(cycle).public_review)
    except TransitionError:
        return [_l("This move is not allowed from the current phase.")]
    return [msg for check in _PRECONDITIONS[target] if (msg := check(cycle, now)) is not None]


def next_phases(cycle: Cycle) -> list[CyclePhase]:
    """The phases this cycle's state machine allows next (for one button each)."""
    return allowed_moves(cycle.state, public_review=cycle_rules(cycle).public_review)


def _record_actual_bounds(cycle: Cycle, target: CyclePhase, now: datetime) -> dict[str, str]:
    """A phase that staff open before its planned start starts now, and the public review
    that voting closes early ends now: the dates keep telling what happened, in order, and
    the actions of each phase follow them. Returns the dates so changed (for the log)."""
    moved: dict[str, str] = {}
    names = []
    if target is CyclePhase.PUBLIC_REVIEW:
        names = ["review_starts_at"]
    if target is CyclePhase.VOTING:
        names = ["review_ends_at", "voting_starts_at"]
    for name in names:
        if _later(getattr(cycle, name), now):
            setattr(cycle, name, now)
            moved[name] = now.isoformat()
    return moved


def _later(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment > now


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
    moved = _record_actual_bounds(cycle, target, now)
    if target is CyclePhase.NOTICE:
        # The notice starts now and lasts its minimum, or longer if a later end was planned.
        cycle.notice_starts_at = now
        earliest = now + cycle_notice_length(cycle)
        if cycle.notice_ends_at is None or cycle.notice_ends_at < earliest:
            cycle.notice_ends_at = earliest
    if target is CyclePhase.PUBLISHED:
        cycle.published_at = now
    if target is CyclePhase.VETTING:
        freeze_rules(cycle)  # nominations are closed: the rules of this cycle are fixed
    db.session.flush()
    for effect in _EFFECTS[target]:
        effect(cycle, now, actor)
    record_event(
        "cycle.transition",
        actor=actor,
        obj=cycle,
        before={"state": before.value},
        after={"state": target.value, **moved},
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


# The phase each date belongs to; a phase's first date is its start, its second its end.
DATE_PHASES = {
    "nominations_open_at": CyclePhase.NOMINATING,
    "nominations_close_at": CyclePhase.NOMINATING,
    "review_starts_at": CyclePhase.PUBLIC_REVIEW,
    "review_ends_at": CyclePhase.PUBLIC_REVIEW,
    "voting_starts_at": CyclePhase.VOTING,
    "voting_ends_at": CyclePhase.VOTING,
    "notice_starts_at": CyclePhase.NOTICE,
    "notice_ends_at": CyclePhase.NOTICE,
}
_PHASE_ORDER = list(CyclePhase)


def _rank(phase: CyclePhase) -> int:
    return _PHASE_ORDER.index(phase)


def _change_problem(cycle: Cycle, name: str, value: datetime | None) -> object | None:
    """Why this one date may not take `value` in the cycle's current phase (None: it may)."""
    phase = DATE_PHASES[name]
    if _rank(cycle.state) > _rank(phase):
        return _l(
            "The phase “%(phase)s” is over: its dates are part of the record.",
            phase=phase.label,
        )
    if cycle.state is not phase:
        return None
    current = getattr(cycle, name)
    if name not in PHASE_END_FIELDS:
        return _l("This phase has begun: its start can no longer change.")
    if value is None:
        return _l("A running phase keeps its end date.")
    if phase is CyclePhase.NOTICE and current is not None and value < current:
        return _l(
            "A public notice, once begun, is never shortened: it runs until %(end)s.",
            end=when_label(current),
        )
    return None


def _order_problem(
    proposed: dict[str, datetime | None], changed: set[str]
) -> tuple[str, object] | None:
    """The first changed date that falls before the date preceding it (or after the one
    following it): (field, message) to show next to that field."""
    previous: tuple[str, datetime] | None = None
    for name in DATE_FIELDS:
        value = proposed[name]
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            if name in changed:
                return name, _l(
                    "Must not be earlier than “%(other)s” (%(when)s).",
                    other=DATE_LABELS[previous[0]],
                    when=when_label(previous[1]),
                )
            if previous[0] in changed:
                return previous[0], _l(
                    "Must not be later than “%(other)s” (%(when)s).",
                    other=DATE_LABELS[name],
                    when=when_label(value),
                )
        previous = (name, value)
    return None


def _notice_length_problem(
    cycle: Cycle, proposed: dict[str, datetime | None], changed: set[str]
) -> tuple[str, object] | None:
    start, end = proposed["notice_starts_at"], proposed["notice_ends_at"]
    if start is None or end is None or end - start >= cycle_notice_length(cycle):
        return None
    field = "notice_ends_at" if "notice_ends_at" in changed else "notice_starts_at"
    if field not in changed:
        return None
    return field, _l(
        "A public notice lasts at least %(days)d days: it cannot end before %(when)s.",
        days=cycle_notice_length(cycle).days,
        when=when_label(start + cycle_notice_length(cycle)),
    )


def update_cycle_dates(
    cycle: Cycle,
    *,
    actor,
    reason: str = "",
    **dates: datetime | None,
) -> None:
    """Change some phase dates, leaving the others as they are.

    Dates of a phase the cycle has left are the record and do not change; a running phase
    keeps its start, and its end moves only with a reason (kept as a CycleDateChange and in
    the audit log). A notice is never shorter than its minimum, and once begun its end only
    moves later. Every refusal names the date field it concerns.
    """
    if cycle.state in (CyclePhase.PUBLISHED, CyclePhase.CLOSED):
        raise CycleDatesError(_l("The cycle is published: its dates can no longer change."))
    reason = (reason or "").strip()
    for name in dates:
        if name not in DATE_FIELDS:
            raise ValueError(name)
    changes = {name: value for name, value in dates.items() if value != getattr(cycle, name)}
    if not changes:
        return
    for name, value in changes.items():
        problem = _change_problem(cycle, name, value)
        if problem is not None:
            raise CycleDatesError(problem, name)
    running_ends = [
        name for name in changes if name in PHASE_END_FIELDS and cycle.state is DATE_PHASES[name]
    ]
    if running_ends and not reason:
        raise CycleDatesError(
            _l("Give the reason for moving the end of a running phase; it is logged."), "reason"
        )
    proposed = {name: changes.get(name, getattr(cycle, name)) for name in DATE_FIELDS}
    conflict = _order_problem(proposed, set(changes)) or _notice_length_problem(
        cycle, proposed, set(changes)
    )
    if conflict is not None:
        raise CycleDatesError(conflict[1], conflict[0])
    before = {name: _iso(getattr(cycle, name)) for name in changes}
    for name in running_ends:
        db.session.add(
            CycleDateChange(
                cycle_id=cycle.id,
                field=name,
                previous_at=getattr(cycle, name),
                new_at=changes[name],
                reason=reason,
                actor_id=getattr(actor, "id", None),
            )
        )
    for name, value in changes.items():
        setattr(cycle, name, value)
    if "notice_ends_at" in changes:
        cycle.notice_ended_at = None  # a moved end is seen (and announced) anew
    db.session.flush()
    record_event(
        "cycle.dates_changed",
        actor=actor,
        obj=cycle,
        before=before,
        after={name: _iso(value) for name, value in changes.items()},
        reason=reason or None,
    )


def date_changes(cycle: Cycle, field: str) -> list[CycleDateChange]:
    """The recorded moves of one phase end of `cycle`, oldest first."""
    return list(
        db.session.scalars(
            sa.select(CycleDateChange)
            .where(CycleDateChange.cycle_id == cycle.id, CycleDateChange.field == field)
            .order_by(CycleDateChange.created_at, CycleDateChange.id)
        )
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class DueMove:
    """A move whose date has come: made (`problems` empty) or waiting for staff."""

    cycle: Cycle
    source: CyclePhase
    target: CyclePhase
    problems: list[object]


def _due_move(cycle: Cycle) -> tuple[CyclePhase, tuple[str, ...]] | None:
    """The move the calendar makes from the cycle's phase, and the dates it waits for.

    Only moves that decide nothing: voting closes with the committee, and the notice
    and publication stay with staff (results applied, objections resolved, release time).
    """
    review = cycle_rules(cycle).public_review
    if cycle.state is CyclePhase.DRAFT:
        return CyclePhase.NOMINATING, ("nominations_open_at",)
    if cycle.state is CyclePhase.NOMINATING:
        return CyclePhase.VETTING, ("nominations_close_at",)
    if cycle.state is CyclePhase.VETTING and review:
        return CyclePhase.PUBLIC_REVIEW, ("review_starts_at",)
    if cycle.state is CyclePhase.VETTING:
        return CyclePhase.VOTING, ("voting_starts_at",)
    if cycle.state is CyclePhase.PUBLIC_REVIEW:
        return CyclePhase.VOTING, ("review_ends_at", "voting_starts_at")
    return None


def advance_cycles(*, now: datetime, actor=None) -> list[DueMove]:
    """Move every cycle whose next phase's date has come, when the move's preconditions
    hold (`honors schedule`); a refused move is reported and left to staff."""
    cycles = db.session.scalars(
        sa.select(Cycle)
        .where(
            Cycle.state.in_(
                (
                    CyclePhase.DRAFT,
                    CyclePhase.NOMINATING,
                    CyclePhase.VETTING,
                    CyclePhase.PUBLIC_REVIEW,
                )
            )
        )
        .order_by(Cycle.id)
    ).all()
    moves: list[DueMove] = []
    for cycle in cycles:
        due = _due_move(cycle)
        if due is None:
            continue
        target, fields = due
        moments = [getattr(cycle, name) for name in fields]
        # The date that triggers the move must be set; the others, when set, must be past.
        if moments[0] is None or any(m is not None and m > now for m in moments):
            continue
        source = cycle.state
        problems = refusals(cycle, target, now=now)
        if not problems:
            transition_cycle(cycle, target, actor=actor, now=now)
        moves.append(DueMove(cycle, source, target, problems))
    return moves
