"""Read-only selects over the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db


def recent_events(limit: int = 20) -> list[tuple[AuditEvent, str | None]]:
    """Newest events with the actor's username (one query)."""
    from app.accounts.models import User

    stmt = (
        sa.select(AuditEvent, User.username)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [(event, username) for event, username in db.session.execute(stmt)]
