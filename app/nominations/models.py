"""Nomination schema: candidate snapshot, photos, attachments, vetting checks, notes, history."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk, utcnow
from app.extensions import db
from app.nominations.workflow import NominationState
from app.orgs.models import Organisation
from app.programs.models import Category, Cycle
from app.registry.models import Honoree, HonoreeKind, PersonFields


class Channel(LabelledEnum):
    UNIT = "unit"
    COMMUNITY = "community"
    COUNTY_OFFICE = "county_office"
    MEDIA = "media"
    PUBLIC = "public"
    SELF = "self"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.UNIT: _l("Work unit"),
            cls.COMMUNITY: _l("Community / village"),
            cls.COUNTY_OFFICE: _l("County / district civilization office"),
            cls.MEDIA: _l("Media"),
            cls.PUBLIC: _l("Recommended by the public"),
            cls.SELF: _l("Self-recommendation"),
        }


class PhotoKind(enum.StrEnum):
    ID_PHOTO = "id_photo"
    LIFE = "life"


class ConsultedBody(LabelledEnum):
    UNIT = "unit"
    COMMUNITY = "community"
    TOWNSHIP = "township"
    POLICE = "police"
    DISCIPLINE = "discipline"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.UNIT: _l("Work unit"),
            cls.COMMUNITY: _l("Community / village"),
            cls.TOWNSHIP: _l("Township / street"),
            cls.POLICE: _l("Public security"),
            cls.DISCIPLINE: _l("Discipline inspection"),
            cls.OTHER: _l("Other"),
        }


class ConsultResult(LabelledEnum):
    PENDING = "pending"
    NO_OBJECTION = "no_objection"
    OBJECTION = "objection"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.PENDING: _l("Awaiting answer"),
            cls.NO_OBJECTION: _l("No objection"),
            cls.OBJECTION: _l("Objection raised"),
        }


class Nomination(PersonFields, db.Model):
    __tablename__ = "nominations"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cycles.id", ondelete="RESTRICT"), index=True
    )
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    state: Mapped[NominationState] = mapped_column(
        enum_type(NominationState, "state"), default=NominationState.DRAFT, index=True
    )
    # The registry record this candidate is: set only by an ID-number match or a staff
    # decision in vetting, never by the nominator (see vetting.services.link_registry_record).
    honoree_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="RESTRICT"), index=True
    )
    # The nominator's hint "this is registry record X": shown to staff, it links nothing.
    suggested_honoree_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="SET NULL")
    )

    # The candidate as the nominator describes them (copied into the registry on publication);
    # kind, gender, birth date, unit, district and the encrypted contacts are PersonFields.
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    school: Mapped[str | None] = mapped_column(sa.String(100))
    grade: Mapped[str | None] = mapped_column(sa.String(20))
    location_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT")
    )

    recommender_name: Mapped[str | None] = mapped_column(sa.String(60))
    recommender_phone_enc: Mapped[str | None] = mapped_column(sa.Text)
    headline: Mapped[str] = mapped_column(sa.String(70), default="")
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    story_md: Mapped[str] = mapped_column(sa.Text, default="")
    unit_opinion: Mapped[str] = mapped_column(sa.Text, default="")
    consent_given: Mapped[bool] = mapped_column(default=False)
    consent_collected_by: Mapped[str | None] = mapped_column(sa.String(60))
    consent_date: Mapped[date | None]
    guardian_consent: Mapped[bool] = mapped_column(default=False)
    guardian_name: Mapped[str | None] = mapped_column(sa.String(60))

    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # End of this candidate's public notice (a replacement gets a notice of its own).
    notice_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship()
    category: Mapped[Category] = relationship()
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    location: Mapped[Organisation | None] = relationship(foreign_keys=[location_id])
    district: Mapped[Organisation | None] = relationship(foreign_keys="Nomination.district_id")
    honoree: Mapped[Honoree | None] = relationship(foreign_keys=[honoree_id])
    suggested_honoree: Mapped[Honoree | None] = relationship(foreign_keys=[suggested_honoree_id])
    members: Mapped[list[NominationMember]] = relationship(
        cascade="all, delete-orphan", order_by="NominationMember.sort_order"
    )
    photos: Mapped[list[NominationPhoto]] = relationship(
        cascade="all, delete-orphan", order_by="NominationPhoto.sort_order"
    )
    attachments: Mapped[list[NominationAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="NominationAttachment.id"
    )
    checks: Mapped[list[ConsultationCheck]] = relationship(
        cascade="all, delete-orphan", order_by="ConsultationCheck.id"
    )
    notes: Mapped[list[NominationNote]] = relationship(
        cascade="all, delete-orphan", order_by="NominationNote.id"
    )
    events: Mapped[list[NominationEvent]] = relationship(
        cascade="all, delete-orphan", order_by="NominationEvent.id"
    )

    def __repr__(self) -> str:
        return f"<Nomination {self.id} {self.state}>"


class NominationMember(db.Model):
    __tablename__ = "nomination_members"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    post: Mapped[str | None] = mapped_column(sa.String(60))
    sort_order: Mapped[int] = mapped_column(default=0)


class NominationPhoto(db.Model):
    __tablename__ = "nomination_photos"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PhotoKind] = mapped_column(enum_type(PhotoKind, "kind"))
    path: Mapped[str] = mapped_column(sa.String(255))
    thumb_path: Mapped[str] = mapped_column(sa.String(255))
    width: Mapped[int]
    height: Mapped[int]
    alt: Mapped[str] = mapped_column(sa.String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[created_at]


class NominationAttachment(db.Model):
    __tablename__ = "nomination_attachments"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(120))
    path: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int]
    created_at: Mapped[created_at]


class ConsultationCheck(db.Model):
    """One line of the 征求意见 checklist: a consulted body, its answer and a note."""

    __tablename__ = "consultation_checks"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[ConsultedBody] = mapped_column(enum_type(ConsultedBody, "body"))
    result: Mapped[ConsultResult] = mapped_column(enum_type(ConsultResult, "result"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    checked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checked_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("nomination_id", "body"),)


class NominationNote(db.Model):
    """Internal vetting note: staff only, never shown to the nominator."""

    __tablename__ = "nomination_notes"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]

    author: Mapped[User | None] = relationship()


class NominationEvent(db.Model):
    """A state change with its reason: the history the nominator sees."""

    __tablename__ = "nomination_events"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[NominationState] = mapped_column(enum_type(NominationState, "from_state"))
    to_state: Mapped[NominationState] = mapped_column(enum_type(NominationState, "to_state"))
    reason: Mapped[str | None] = mapped_column(sa.Text)


class RecommendationStatus(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.PENDING: _l("awaiting review"),
            cls.ACCEPTED: _l("forwarded"),
            cls.REJECTED: _l("declined"),
        }


class PublicRecommendation(db.Model):
    """群众推荐 / 自荐 from the public form, waiting for staff moderation."""

    __tablename__ = "public_recommendations"

    id: Mapped[intpk]
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    kind: Mapped[HonoreeKind] = mapped_column(enum_type(HonoreeKind, "kind"))
    candidate_name: Mapped[str] = mapped_column(sa.String(100))
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    unit: Mapped[str | None] = mapped_column(sa.String(100))
    headline: Mapped[str] = mapped_column(sa.String(70))
    story: Mapped[str] = mapped_column(sa.Text)
    recommender_name: Mapped[str] = mapped_column(sa.String(60))
    recommender_phone_enc: Mapped[str | None] = mapped_column(sa.Text)
    relationship_note: Mapped[str | None] = mapped_column(sa.String(60))
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_type(RecommendationStatus, "status"), default=RecommendationStatus.PENDING, index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    nomination_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    district: Mapped[Organisation | None] = relationship()

    __table_args__ = (sa.CheckConstraint("channel IN ('public', 'self')", name="public_channel"),)
