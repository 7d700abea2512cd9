"""Calls and reminders to nominating units: the call for nominations when a cycle opens,
and one reminder to units with drafts a few days before nominations close.

Registered with the cycle's phase moves (`on_enter`) and `honors schedule` (`on_schedule`)
so that programs never import notifications. Each message is sent once per cycle and
target, recorded in `reminders_sent`; time comes from the `now` passed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role, User, UserRole
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.workflow import NominationState
from app.notifications.queries import organisation_nominators
from app.notifications.services import notify, remember_once
from app.orgs.models import Organisation, OrgKind
from app.programs.models import Cycle
from app.programs.periods import period_label
from app.programs.services import when_label
from app.programs.workflow import CyclePhase

CALL = "call"
DRAFTS = "drafts"
DEFAULT_DRAFT_REMINDER_DAYS = 3
YOUTH_AGE = 18  # a program whose candidates are at most this old is for pupils


def nominating_units(kinds: tuple[OrgKind, ...] | None = None) -> list[Organisation]:
    """Every active organisation with at least one active nominator account (of `kinds`
    only, when given)."""
    has_nominator = (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.organisation_id == Organisation.id,
            User.is_active.is_(True),
            UserRole.role == Role.NOMINATOR,
        )
        .exists()
    )
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.is_active.is_(True),
                has_nominator,
                Organisation.kind.in_(kinds) if kinds else sa.true(),
            )
            .order_by(Organisation.id)
        )
    )


def _deadline(cycle: Cycle) -> str:
    if cycle.nominations_close_at is None:
        return ""
    return str(_l("Nominations close on %(when)s.", when=when_label(cycle.nominations_close_at)))


def units_in_scope(cycle: Cycle) -> list[Organisation]:
    """The units a cycle calls: schools for a program of pupils (candidates at most 18) when
    schools have nominator accounts, otherwise every nominating unit."""
    program = cycle.program
    if program.age_max is not None and program.age_max <= YOUTH_AGE:
        schools = nominating_units((OrgKind.SCHOOL,))
        if schools:
            return schools
    return nominating_units()


def call_for_nominations(cycle: Cycle, now: datetime, actor) -> int:
    """Nominations open: every nominating unit gets a call (inbox and mail) with the
    deadline, once per cycle. Returns how many units were called."""
    subject = str(
        _l(
            "Call for nominations: %(program)s %(period)s",
            program=cycle.program.name_zh,
            period=period_label(cycle.period),
        )
    )
    called = 0
    for unit in units_in_scope(cycle):
        if not remember_once(cycle.id, CALL, unit.id, now=now):
            continue
        notify(
            organisation_nominators(unit.id),
            subject=subject,
            body=_deadline(cycle),
            link=f"/nominations/new/{cycle.id}",
            now=now,
        )
        called += 1
    return called


def remind_drafts(now: datetime, *, days: int) -> list[str]:
    """Units with drafts in a cycle whose nominations close within `days` get one
    reminder each; returns one line per cycle reminded."""
    cycles = db.session.scalars(
        sa.select(Cycle)
        .where(
            Cycle.state == CyclePhase.NOMINATING,
            Cycle.nominations_close_at.is_not(None),
            Cycle.nominations_close_at > now,
            Cycle.nominations_close_at <= now + timedelta(days=days),
        )
        .order_by(Cycle.id)
    ).all()
    lines = []
    for cycle in cycles:
        drafts = db.session.execute(
            sa.select(Nomination.organisation_id, sa.func.count(Nomination.id))
            .where(Nomination.cycle_id == cycle.id, Nomination.state == NominationState.DRAFT)
            .group_by(Nomination.organisation_id)
            .order_by(Nomination.organisation_id)
        ).all()
        reminded = 0
        for organisation_id, count in drafts:
            if not remember_once(cycle.id, DRAFTS, organisation_id, now=now):
                continue
            notify(
                organisation_nominators(organisation_id),
                subject=str(
                    _l(
                        "Reminder: %(count)s draft nomination(s) for %(program)s %(period)s "
                        "not yet submitted",
                        count=count,
                        program=cycle.program.name_zh,
                        period=period_label(cycle.period),
                    )
                ),
                body=_deadline(cycle),
                link="/nominations/",
                now=now,
            )
            reminded += 1
        if reminded:
            lines.append(f"drafts reminded {cycle.program.code} {cycle.period}: {reminded} unit(s)")
    return lines


def remind_drafts_task(now: datetime, actor) -> list[str]:
    """`honors schedule`: the draft reminder, DRAFT_REMINDER_DAYS before the deadline."""
    days = int(current_app.config.get("DRAFT_REMINDER_DAYS", DEFAULT_DRAFT_REMINDER_DAYS))
    return remind_drafts(now, days=days)
