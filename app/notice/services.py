"""Notice use cases: file an objection, resolve it (and replace an upheld candidate); the
notice's preconditions and schedule task. Its reads: notice/queries.py."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.core import uploads
from app.db_types import utcnow
from app.exceptions import RefusedError, WindowClosedError
from app.extensions import db
from app.nominations.models import Nomination
from app.nominations.services import transition_nomination
from app.nominations.workflow import Actor, NominationState
from app.notice.models import Objection, ObjectionStatus
from app.notice.queries import next_ranked, notice_end
from app.notifications.queries import staff_members
from app.notifications.services import Digest, notify
from app.privacy import crypto
from app.programs.models import Cycle
from app.programs.periods import period_label, period_label_zh
from app.programs.services import (
    cycle_notice_length,
    refusals,
    require_phase,
    when_label,
)
from app.programs.workflow import CyclePhase


class NoticeError(RefusedError):
    """An objection or its resolution refused."""


class ObjectionWindowError(WindowClosedError, NoticeError):
    """An objection outside the candidate's notice (before it opened or after it ended)."""


def file_objection(
    nomination: Nomination,
    *,
    content: str,
    contact: str | None,
    evidence: tuple[bytes, str] | None,
    root: Path,
    now: datetime | None = None,
) -> Objection:
    """Accept an objection while the candidate's notice runs; evidence is checked like uploads."""
    now = now or utcnow()
    if nomination.state is not NominationState.IN_NOTICE:
        raise NoticeError(_l("The notice period of this candidate has ended."), "nomination_id")
    start, end = nomination.cycle.notice_starts_at, notice_end(nomination)
    if start is not None and now < start:
        raise ObjectionWindowError(
            _l("The notice of this candidate opens at %(when)s.", when=when_label(start)),
            opens_at=start,
            field="nomination_id",
        )
    if end is not None and now >= end:
        raise ObjectionWindowError(
            _l("The notice of this candidate ended at %(when)s.", when=when_label(end)),
            closed_at=end,
            field="nomination_id",
        )
    if not content.strip():
        raise NoticeError(_l("Describe the objection."), "content")
    path = content_type = None
    if evidence is not None:
        try:
            path, content_type = uploads.store_attachment(evidence[0], root)
        except uploads.UploadError as error:
            raise NoticeError(_l("Evidence must be a PDF file or an image."), "evidence") from error
    objection = Objection(
        reference="Y" + now.strftime("%y%m%d") + secrets.token_hex(3).upper(),
        cycle_id=nomination.cycle_id,
        nomination_id=nomination.id,
        content=content.strip(),
        evidence_path=path,
        evidence_type=content_type,
        contact_enc=crypto.encrypt(contact),
    )
    db.session.add(objection)
    db.session.flush()
    _alert_staff_of_objection(objection, nomination, now)
    return objection


def _alert_staff_of_objection(objection: Objection, nomination: Nomination, now: datetime) -> None:
    """Staff learn of a new objection at once; a cycle's unread alerts fold into one."""
    cycle = nomination.cycle

    def subject(count: int) -> str:
        return str(
            _l(
                "%(count)s new objections: %(program)s %(period)s",
                count=count,
                program=cycle.program.name_zh,
                period=period_label(cycle.period),
            )
        )

    notify(
        staff_members(),
        subject=str(
            _l(
                "New objection %(reference)s: %(program)s %(period)s",
                reference=objection.reference,
                program=cycle.program.name_zh,
                period=period_label(cycle.period),
            )
        ),
        link=f"/staff/objections/{objection.id}",
        digest=Digest(key=f"objection:{cycle.id}", subject=subject, link="/staff/objections/"),
        now=now,
    )


def resolve_objection(
    objection: Objection,
    *,
    upheld: bool,
    reason: str,
    promote: bool,
    actor,
    now: datetime | None = None,
) -> Nomination | None:
    """Dismiss or uphold (reason required). Upheld withdraws the candidate; with `promote`
    the next-ranked candidate above threshold is selected and gets a notice period of its
    own. Returns the promoted nomination, if any."""
    now = now or utcnow()
    require_phase(objection.nomination.cycle, frozenset({CyclePhase.NOTICE}), NoticeError)
    if objection.status is not ObjectionStatus.OPEN:
        raise NoticeError(_l("This objection has already been resolved."))
    if not reason.strip():
        raise NoticeError(_l("Give the reason for the decision."), "reason")
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = reason.strip()
    objection.resolved_by_id = getattr(actor, "id", None)
    objection.resolved_at = now
    promoted = None
    nomination = objection.nomination
    if upheld and nomination.state is NominationState.IN_NOTICE:
        transition_nomination(
            nomination,
            NominationState.WITHDRAWN,
            actor=actor,
            actor_kind=Actor.STAFF,
            reason=reason.strip(),
        )
        if promote:
            promoted = next_ranked(nomination.cycle)
            if promoted is None:
                raise NoticeError(
                    _l("No candidate above the threshold is left to promote."), "promote"
                )
            transition_nomination(
                promoted, NominationState.SELECTED, actor=actor, actor_kind=Actor.SYSTEM
            )
            transition_nomination(
                promoted, NominationState.IN_NOTICE, actor=actor, actor_kind=Actor.SYSTEM
            )
            promoted.notice_ends_at = now + cycle_notice_length(nomination.cycle)
    db.session.flush()
    record_event(
        "objection.resolved",
        actor=actor,
        obj=objection,
        reason=reason.strip(),
        after={
            "status": objection.status.value,
            "nomination_id": nomination.id,
            "promoted": promoted.id if promoted else None,
        },
    )
    return promoted


def notice_clear(cycle: Cycle, now: datetime) -> object | None:
    open_count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Objection)
        .where(Objection.cycle_id == cycle.id, Objection.status == ObjectionStatus.OPEN)
    )
    if open_count:
        return _l("%(n)d objections are still open.", n=open_count)
    latest = db.session.scalar(
        sa.select(sa.func.max(Nomination.notice_ends_at)).where(
            Nomination.cycle_id == cycle.id, Nomination.state == NominationState.IN_NOTICE
        )
    )
    if latest is not None and now < latest:
        return _l(
            "A candidate's notice runs until %(end)s.",
            end=when_label(latest),
        )
    return None


def note_ended_notices(now: datetime, actor) -> list[str]:
    """`honors schedule`: when a cycle's public notice has ended, mark it and tell staff,
    once, that the list awaits publication, with what still stands in the way.

    Publishing stays a staff decision (objections settled, the release time chosen): the
    schedule never publishes. Moving the notice's end clears the mark.
    """
    due = db.session.scalars(
        sa.select(Cycle)
        .where(
            Cycle.state == CyclePhase.NOTICE,
            Cycle.notice_ended_at.is_(None),
            Cycle.notice_ends_at.is_not(None),
            Cycle.notice_ends_at <= now,
        )
        .order_by(Cycle.id)
    ).all()
    staff = staff_members() if due else []
    lines = []
    for cycle in due:
        problems = [str(p) for p in refusals(cycle, CyclePhase.PUBLISHED, now=now)]
        cycle.notice_ended_at = now
        db.session.flush()
        record_event(
            "cycle.notice_ended",
            actor=actor,
            obj=cycle,
            after={"notice_ends_at": cycle.notice_ends_at.isoformat(), "waiting": problems},
        )
        subject = str(
            _l(
                "%(program)s %(period)s: the public notice has ended",
                program=cycle.program.name_zh,
                period=period_label_zh(cycle.period),
            )
        )
        body = (
            str(_l("Before publishing: %(problems)s", problems=" ".join(problems)))
            if problems
            else str(_l("Nothing stands in the way: publish the list when it is due."))
        )
        notify(staff, subject=subject, body=body, link=f"/staff/cycles/{cycle.id}")
        label = f"{cycle.program.code} {cycle.period}"
        lines.append(
            f"notice ended {label}: waiting {' '.join(problems)}"
            if problems
            else f"notice ended {label}: ready to publish"
        )
    return lines
