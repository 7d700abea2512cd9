"""Public recommendation use cases: file, accept into a cycle as a draft, reject."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.nominations import services as nomination_services
from app.nominations.models import Channel, PublicRecommendation, RecommendationStatus
from app.notifications.queries import organisation_nominators, staff_members
from app.notifications.services import Digest, notify
from app.orgs.models import Organisation
from app.privacy import crypto
from app.programs.models import Category, Cycle
from app.registry.models import HonoreeKind


class RecommendationError(RefusedError):
    """A moderation action refused."""


def file_recommendation(
    *,
    channel: Channel,
    kind: HonoreeKind,
    candidate_name: str,
    district: Organisation | None,
    unit: str | None,
    headline: str,
    story: str,
    recommender_name: str,
    recommender_phone: str | None,
    relationship_note: str | None,
) -> PublicRecommendation:
    """Store a recommendation from the public; contact details are encrypted, never shown."""
    if channel not in (Channel.PUBLIC, Channel.SELF):
        raise RecommendationError(_l("Unknown channel."), "channel")
    recommendation = PublicRecommendation(
        reference="R" + utcnow().strftime("%y%m%d") + secrets.token_hex(3).upper(),
        channel=channel,
        kind=kind,
        candidate_name=candidate_name,
        district=district,
        unit=unit,
        headline=headline,
        story=story,
        recommender_name=recommender_name,
        recommender_phone_enc=crypto.encrypt(recommender_phone),
        relationship_note=relationship_note,
    )
    db.session.add(recommendation)
    db.session.flush()
    notify(
        staff_members(),
        subject=str(
            _l(
                "New public recommendation %(reference)s to moderate",
                reference=recommendation.reference,
            )
        ),
        link=f"/staff/recommendations/{recommendation.id}",
        digest=Digest(
            key="recommendation", subject=_pending_subject, link="/staff/recommendations/"
        ),
    )
    return recommendation


def _pending_subject(count: int) -> str:
    return str(_l("%(count)s new public recommendations to moderate", count=count))


def accept_recommendation(
    recommendation: PublicRecommendation,
    *,
    cycle: Cycle,
    category: Category,
    organisation: Organisation,
    actor,
):
    """Turn a recommendation into a draft nomination of `organisation`, who completes it."""
    if recommendation.status is not RecommendationStatus.PENDING:
        raise RecommendationError(_l("This recommendation has already been decided."))
    data = nomination_services.CandidateData(
        kind=recommendation.kind,
        category_id=category.id,
        name=recommendation.candidate_name,
        unit=recommendation.unit,
        location_id=recommendation.district_id,
        headline=recommendation.headline[:70],
        story_md=recommendation.story,
        recommender_name=recommendation.recommender_name,
    )
    try:
        nomination = nomination_services.create_nomination(
            cycle=cycle,
            organisation=organisation,
            channel=recommendation.channel,
            data=data,
            actor=actor,
        )
    except nomination_services.NominationError as error:
        raise RecommendationError(error.message, error.field) from error
    nomination.recommender_phone_enc = recommendation.recommender_phone_enc
    recommendation.status = RecommendationStatus.ACCEPTED
    recommendation.nomination_id = nomination.id
    recommendation.decided_by_id = getattr(actor, "id", None)
    recommendation.decided_at = utcnow()
    db.session.flush()
    record_event(
        "recommendation.accepted",
        actor=actor,
        obj=recommendation,
        after={"nomination_id": nomination.id, "organisation_id": organisation.id},
    )
    notify(
        organisation_nominators(organisation.id),
        subject=str(
            _l(
                "A public recommendation was forwarded to you: %(name)s",
                name=recommendation.candidate_name,
            )
        ),
        body=str(_l("Please complete the draft nomination and submit it before the deadline.")),
        link=f"/nominations/{nomination.id}",
    )
    return nomination


def reject_recommendation(recommendation: PublicRecommendation, *, reason: str, actor) -> None:
    if recommendation.status is not RecommendationStatus.PENDING:
        raise RecommendationError(_l("This recommendation has already been decided."))
    if not reason.strip():
        raise RecommendationError(_l("Give a reason."), "reason")
    recommendation.status = RecommendationStatus.REJECTED
    recommendation.decision_reason = reason.strip()
    recommendation.decided_by_id = getattr(actor, "id", None)
    recommendation.decided_at = utcnow()
    db.session.flush()
    record_event("recommendation.rejected", actor=actor, obj=recommendation, reason=reason)
