"""The one writer of audit events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.audit.models import AuditEvent
from app.extensions import db


@dataclass(frozen=True)
class SystemActor:
    """A non-human actor passed where services take `actor`: it holds no account (`id` is
    None, like an anonymous action) and the audit trail names it in `AuditEvent.via`."""

    via: str
    id: None = None


# `honors schedule`: the calendar's automatic moves are audited as done by it.
SCHEDULE = SystemActor("schedule")


def record_event(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append an audit event; flushes, never commits. Never pass sensitive fields here."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        via=actor.via if isinstance(actor, SystemActor) else None,
        object_type=object_type or "-",
        object_id=object_id,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    return event
