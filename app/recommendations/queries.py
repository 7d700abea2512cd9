"""Reads of the recommendation moderation: the staff's queue."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.nominations.models import PublicRecommendation, RecommendationStatus


def recommendation_queue(status: RecommendationStatus | None) -> list[PublicRecommendation]:
    """The newest 200 recommendations, pending ones first; of one status or all."""
    stmt = (
        sa.select(PublicRecommendation)
        .options(joinedload(PublicRecommendation.district))
        .order_by(
            (PublicRecommendation.status == RecommendationStatus.PENDING).desc(),
            PublicRecommendation.created_at.desc(),
        )
        .limit(200)
    )
    if status is not None:
        stmt = stmt.where(PublicRecommendation.status == status)
    return list(db.session.scalars(stmt))
