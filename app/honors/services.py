"""Registry use cases: publication of a cycle, revocation, consent withdrawal.

Publication is the only path from a nomination to an honor: the honoree's registry record
is found (the record staff linked in vetting, or the one with the same ID number) or
created, and the honor is attached to it. An existing record keeps its identity.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.core.cache import forget_public_version
from app.core.clock import local_today
from app.db_types import utcnow
from app.exceptions import RefusedError
from app.extensions import db
from app.honors.models import (
    GroupMember,
    Honor,
    Honoree,
    HonoreeKind,
    HonorSource,
    HonorStatus,
    PublicDataVersion,
)
from app.nominations.models import Nomination, PhotoKind
from app.nominations.services import (
    registry_link_problem,
    registry_record_by_id_number,
    transition_nomination,
)
from app.nominations.workflow import Actor, NominationState
from app.programs.models import Cycle
from app.programs.periods import period_label_zh
from app.programs.services import period_containing, transition_cycle
from app.programs.workflow import CyclePhase


class PublicationError(RefusedError):
    """A publication, revocation or consent action refused."""


def _period_bounds(cycle: Cycle) -> tuple[date, date]:
    period = period_containing(cycle.program.cadence, cycle.reference_date)
    if period is None:  # biennial/irregular: the reference year
        year = cycle.reference_date.year
        return date(year, 1, 1), date(year, 12, 31)
    return period.start, period.end


def _registry_record(nomination: Nomination) -> Honoree:
    """The honoree this nomination is about: the record staff linked in vetting, the record
    with the same ID number, or a new record. A link contradicted by the ID numbers stops
    the publication rather than credit a record with another person's honor."""
    linked = nomination.honoree or registry_record_by_id_number(nomination)
    problem = registry_link_problem(nomination, linked)
    if problem is not None:
        raise PublicationError(
            _l(
                "Nomination No. %(id)d (%(name)s): %(problem)s Decide its registry record "
                "in vetting first.",
                id=nomination.id,
                name=nomination.name,
                problem=problem,
            )
        )
    if linked is not None:
        return linked
    honoree = Honoree(
        slug=f"h-{nomination.cycle.reference_date:%Y%m}-{secrets.token_hex(3)}",
        kind=nomination.kind,
        name=nomination.name,
    )
    db.session.add(honoree)
    return honoree


def _copy(nomination: Nomination, honoree: Honoree) -> None:
    """The nomination's public story and the (still encrypted) contact data join the record.

    Who the record is (name, gender, birth date, ID number) is written only into a new
    record or an empty field: earlier honors stay credited to the person they were for.
    """
    individual = nomination.kind is HonoreeKind.INDIVIDUAL
    new = not sa.inspect(honoree).persistent
    if new:
        honoree.name = nomination.name
    honoree.unit, honoree.post = nomination.unit or nomination.school, nomination.post
    honoree.organisation_id = nomination.location_id
    honoree.district_id = nomination.district_id
    honoree.headline, honoree.summary = nomination.headline, nomination.summary
    honoree.story_md = nomination.story_md
    honoree.consent_given = nomination.consent_given
    honoree.consent_collected_by = nomination.consent_collected_by
    honoree.consent_at = nomination.consent_date
    if individual:
        birth = nomination.birth_date
        if new or (
            birth is not None
            and honoree.birth_date is None
            and honoree.birth_year in (None, birth.year)
        ):
            honoree.birth_date = birth
            honoree.birth_year = birth.year if birth else None
        if new or honoree.gender is None:
            honoree.gender = nomination.gender
        honoree.ethnicity = nomination.ethnicity
        honoree.political_status = nomination.political_status
        honoree.education = nomination.education
        if not honoree.id_number_hash:  # a differing one was refused by _registry_record
            honoree.id_number_enc = nomination.id_number_enc
            honoree.id_number_hash = nomination.id_number_hash
        honoree.phone_enc = nomination.phone_enc or honoree.phone_enc
        honoree.address_enc = nomination.address_enc or honoree.address_enc
    else:
        honoree.members = [
            GroupMember(name=m.name, post=m.post, sort_order=m.sort_order)
            for m in nomination.members
        ]
    photo = next((p for p in nomination.photos if p.kind is PhotoKind.ID_PHOTO), None)
    if photo is not None:
        honoree.photo_path, honoree.photo_alt = photo.path, photo.alt
        honoree.photo_thumb_path = photo.thumb_path
        honoree.photo_width, honoree.photo_height = photo.width, photo.height


def publish_cycle(
    cycle: Cycle, *, actor, release_at: datetime | None = None, now: datetime | None = None
) -> list[Honor]:
    """Publish the candidates in notice: honors released at `release_at` (now by default).

    The cycle's phase machine refuses while the notice runs or an objection is open.
    """
    now = now or utcnow()
    release_at = release_at or now
    if release_at < now - timedelta(minutes=1):
        raise PublicationError(_l("The release time cannot be in the past."), "release_at")
    transition_cycle(cycle, CyclePhase.PUBLISHED, actor=actor, now=now)
    cycle.published_at = release_at
    start, end = _period_bounds(cycle)
    honors = []
    nominations = db.session.scalars(
        sa.select(Nomination)
        .where(Nomination.cycle_id == cycle.id, Nomination.state == NominationState.IN_NOTICE)
        .order_by(Nomination.id)
    ).all()
    for nomination in nominations:
        honoree = _registry_record(nomination)
        _copy(nomination, honoree)
        db.session.flush()
        nomination.honoree_id = honoree.id
        honor = Honor(
            honoree_id=honoree.id,
            program_id=cycle.program_id,
            cycle_id=cycle.id,
            category_id=nomination.category_id,
            source=HonorSource.LOCAL,
            status=HonorStatus.PUBLISHED,
            published_at=release_at,
            period_label=cycle.period,
            period_start=start,
            period_end=end,
        )
        db.session.add(honor)
        honors.append(honor)
        transition_nomination(
            nomination, NominationState.HONORED, actor=actor, actor_kind=Actor.SYSTEM
        )
    db.session.flush()
    bump_public_version(now)  # cached public pages show the new honorees at once
    record_event(
        "cycle.published",
        actor=actor,
        obj=cycle,
        after={"honors": len(honors), "release_at": release_at.isoformat()},
    )
    return honors


# Called after an honor is revoked (e.g. the courtesy ledger stops benefits); registered
# by later domains so that this module never imports them.
_REVOKE_HOOKS: list = []


def on_revoke(hook):
    _REVOKE_HOOKS.append(hook)
    return hook


def revoke_honor(honor: Honor, *, reason: str, actor, now: datetime | None = None) -> None:
    """撤销: the honor leaves every public list and page (410); the audit keeps everything."""
    if honor.status is HonorStatus.REVOKED:
        raise PublicationError(_l("This honor is already revoked."))
    if not reason.strip():
        raise PublicationError(_l("Give the reason for the revocation."), "reason")
    before = {"status": honor.status.value}
    honor.status = HonorStatus.REVOKED
    honor.revoked_at = now or utcnow()
    honor.revoke_reason = reason.strip()
    bump_public_version()
    record_event(
        "honor.revoked",
        actor=actor,
        obj=honor,
        before=before,
        after={"status": "revoked"},
        reason=reason.strip(),
    )
    for hook in _REVOKE_HOOKS:
        hook(honor, reason.strip(), actor, honor.revoked_at)


def withdraw_consent(honoree: Honoree, *, reason: str, actor, now: datetime | None = None) -> None:
    """The honoree withdrew consent to publish: the public page comes down the same way."""
    if honoree.consent_withdrawn_at is not None:
        raise PublicationError(_l("The consent is already withdrawn."))
    if not reason.strip():
        raise PublicationError(_l("Give the reason."), "reason")
    honoree.consent_withdrawn_at = now or utcnow()
    bump_public_version()
    record_event("honoree.consent_withdrawn", actor=actor, obj=honoree, reason=reason.strip())


def is_public(honoree: Honoree, now: datetime | None = None) -> bool:
    """Shown to the public: consent not withdrawn and one released, unrevoked honor."""
    now = now or utcnow()
    return honoree.consent_withdrawn_at is None and any(
        h.status is HonorStatus.PUBLISHED and h.published_at and h.published_at <= now
        for h in honoree.honors
    )


def was_public(honoree: Honoree) -> bool:
    """Had a released honor once: a page that is gone answers 410, not 404."""
    return any(h.published_at is not None and h.published_at <= utcnow() for h in honoree.honors)


def is_minor(honoree: Honoree, today: date | None = None) -> bool:
    """Minors' public pages show no photo and no birth date (display rule for youth)."""
    if honoree.birth_date is None:
        return (
            honoree.birth_year is not None
            and (today or local_today()).year - honoree.birth_year < 18
        )
    today = today or local_today()
    age = (
        today.year
        - honoree.birth_date.year
        - ((today.month, today.day) < (honoree.birth_date.month, honoree.birth_date.day))
    )
    return age < 18


def json_ld(honoree: Honoree, honors: list[Honor], url: str, image: str | None) -> dict:
    """schema.org Person/Organization with its awards: public fields only."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person" if honoree.kind is HonoreeKind.INDIVIDUAL else "Organization",
        "name": honoree.name,
        "url": url,
        "description": honoree.headline,
        "award": [
            f"{h.program.name_zh} {period_label_zh(h.period_label)}"
            + ("（提名奖）" if h.award.value == "nomination_award" else "")
            for h in honors
        ],
    }
    if image:
        data["image"] = image
    if honoree.unit:
        data["affiliation" if honoree.kind is HonoreeKind.INDIVIDUAL else "parentOrganization"] = {
            "@type": "Organization",
            "name": honoree.unit,
        }
    return data


def bump_public_version(now: datetime | None = None) -> int:
    """Invalidate every cached public page (publication, revocation, public edits)."""
    row = db.session.scalar(
        sa.select(PublicDataVersion).where(PublicDataVersion.id == 1).with_for_update()
    )
    if row is None:
        row = PublicDataVersion(id=1, version=0)
        db.session.add(row)
    row.version += 1
    row.changed_at = now or utcnow()
    db.session.flush()
    forget_public_version()  # the version this request remembered is stale now
    return row.version
