"""Who may see what of the publication pages: pure predicates."""

from __future__ import annotations

from datetime import datetime

from app.programs.models import Cycle
from app.programs.workflow import CyclePhase


def can_view_transparency(cycle: Cycle | None, now: datetime) -> bool:
    """A cycle's transparency page is public once its list is released."""
    return (
        cycle is not None
        and cycle.state in (CyclePhase.PUBLISHED, CyclePhase.CLOSED)
        and cycle.published_at is not None
        and cycle.published_at <= now
    )
