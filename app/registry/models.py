"""Registry schema: honorees, honors, corrections, old slugs; the public and minor rules."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import local_today
from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk, utcnow
from app.extensions import db
from app.orgs.models import Organisation
from app.programs.models import Category, Cycle, Program

# The longest story (Markdown) a nomination or a registry record may carry: the column is
# Text, the forms and the submission checks hold it to this.
STORY_MAX = 5000
# Younger than this on a day is a minor: no photo and no birth date on a public page.
ADULT_AGE = 18


class HonoreeKind(LabelledEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.INDIVIDUAL: _l("Individual"),
            cls.GROUP: _l("Group (集体)"),
        }


class Gender(LabelledEnum):
    MALE = "male"
    FEMALE = "female"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.MALE: _l("Male"),
            cls.FEMALE: _l("Female"),
        }


class AwardKind(enum.StrEnum):
    HONOREE = "honoree"
    NOMINATION_AWARD = "nomination_award"  # 提名奖


class HonorStatus(enum.StrEnum):
    PENDING = "pending"  # decided, not yet released
    PUBLISHED = "published"
    REVOKED = "revoked"


class HonorSource(enum.StrEnum):
    LOCAL = "local"  # passed a Luohe cycle
    EXTERNAL = "external"  # recorded from a provincial or national list
    IMPORT = "import"  # historical import


def age_on(birth: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _adult_born_by(day: date) -> date:
    """The latest birth date of someone ADULT_AGE years old on `day` (29 February: the
    28th in a year without it, as age_on counts)."""
    year = day.year - ADULT_AGE
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


class PersonFields:
    """Who a candidate or an honoree is, as a nomination describes them and the registry
    keeps them: the columns Nomination and Honoree share, identical in both tables."""

    kind: Mapped[HonoreeKind] = mapped_column(enum_type(HonoreeKind, "kind"))
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, "gender"))
    birth_date: Mapped[date | None]
    ethnicity: Mapped[str | None] = mapped_column(sa.String(20))
    political_status: Mapped[str | None] = mapped_column(sa.String(20))
    education: Mapped[str | None] = mapped_column(sa.String(20))
    unit: Mapped[str | None] = mapped_column(sa.String(100))
    post: Mapped[str | None] = mapped_column(sa.String(60))
    # Sensitive (SPEC §11): encrypted; the ID number is matched through its keyed hash.
    id_number_enc: Mapped[str | None] = mapped_column(sa.Text)
    id_number_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    phone_enc: Mapped[str | None] = mapped_column(sa.Text)
    address_enc: Mapped[str | None] = mapped_column(sa.Text)

    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )


class Honoree(PersonFields, db.Model):
    __tablename__ = "honorees"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), index=True)
    # birth_date is internal; the public sees the birth year or an age band.
    birth_year: Mapped[int | None]
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    headline: Mapped[str] = mapped_column(sa.String(70), default="")
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    story_md: Mapped[str] = mapped_column(sa.Text, default="")
    photo_path: Mapped[str | None] = mapped_column(sa.String(255))
    photo_alt: Mapped[str | None] = mapped_column(sa.String(200))
    # The card thumbnail and the web image's size (pages set width/height from these).
    photo_thumb_path: Mapped[str | None] = mapped_column(sa.String(255))
    photo_width: Mapped[int | None]
    photo_height: Mapped[int | None]
    consent_given: Mapped[bool] = mapped_column(default=False)
    consent_collected_by: Mapped[str | None] = mapped_column(sa.String(60))
    consent_at: Mapped[date | None]
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    district: Mapped[Organisation | None] = relationship(foreign_keys="Honoree.district_id")
    members: Mapped[list[GroupMember]] = relationship(
        cascade="all, delete-orphan", order_by="GroupMember.sort_order"
    )
    honors: Mapped[list[Honor]] = relationship(back_populates="honoree")

    __table_args__ = (
        sa.CheckConstraint(
            "kind = 'individual' OR (gender IS NULL AND birth_date IS NULL)",
            name="group_has_no_person_fields",
        ),
        sa.CheckConstraint(
            "birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year_range"
        ),
    )

    def __repr__(self) -> str:
        return f"<Honoree {self.slug}>"

    # The public rules, each written once: the Python side serves the pages of one record,
    # the SQL side (Honoree.is_public in a where clause) every list, count and feed.

    @hybrid_property
    def consent_withdrawn(self) -> bool:
        """The honoree withdrew consent to publish: nothing of theirs is shown."""
        return self.consent_withdrawn_at is not None

    @consent_withdrawn.inplace.expression
    @classmethod
    def _consent_withdrawn_expression(cls) -> sa.ColumnElement[bool]:
        return cls.consent_withdrawn_at.is_not(None)

    @hybrid_property
    def is_public(self) -> bool:
        """Shown to the public: consent not withdrawn and one released honor (revoked,
        embargoed and consent-withdrawn records are not)."""
        return not self.consent_withdrawn and any(h.is_released for h in self.honors)

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(
            ~cls.consent_withdrawn,
            sa.exists().where(Honor.honoree_id == cls.id, Honor.is_released),
        )

    @hybrid_property
    def was_public(self) -> bool:
        """Had a released honor once: a page that is gone answers 410, not 404."""
        now = utcnow()
        return any(h.published_at is not None and h.published_at <= now for h in self.honors)

    @was_public.inplace.expression
    @classmethod
    def _was_public_expression(cls) -> sa.ColumnElement[bool]:
        return sa.exists().where(Honor.honoree_id == cls.id, Honor.published_at <= utcnow())

    @hybrid_method
    def is_minor_on(self, day: date) -> bool:
        """Younger than ADULT_AGE on `day`, by the birth date, else by the birth year."""
        if self.birth_date is not None:
            return age_on(self.birth_date, day) < ADULT_AGE
        return self.birth_year is not None and self.birth_year > day.year - ADULT_AGE

    @is_minor_on.expression
    @classmethod
    def _is_minor_on_expression(cls, day: date) -> sa.ColumnElement[bool]:
        return sa.case(
            (cls.birth_date.is_not(None), cls.birth_date > _adult_born_by(day)),
            else_=sa.and_(cls.birth_year.is_not(None), cls.birth_year > day.year - ADULT_AGE),
        )

    @hybrid_property
    def is_minor(self) -> bool:
        """A minor today: the public page shows no photo and no birth date."""
        return self.is_minor_on(local_today())

    @is_minor.inplace.expression
    @classmethod
    def _is_minor_expression(cls) -> sa.ColumnElement[bool]:
        return cls.is_minor_on(local_today())


class GroupMember(db.Model):
    __tablename__ = "group_members"

    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    post: Mapped[str | None] = mapped_column(sa.String(60))
    sort_order: Mapped[int] = mapped_column(default=0)


class Honor(db.Model):
    __tablename__ = "honors"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="RESTRICT"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    cycle_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cycles.id", ondelete="RESTRICT"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="RESTRICT")
    )
    award: Mapped[AwardKind] = mapped_column(
        enum_type(AwardKind, "award"), default=AwardKind.HONOREE
    )
    status: Mapped[HonorStatus] = mapped_column(
        enum_type(HonorStatus, "status"), default=HonorStatus.PENDING
    )
    source: Mapped[HonorSource] = mapped_column(enum_type(HonorSource, "source"))
    # Free label: external lists changed cadence over the years (2019-03, 2023-Q2, 第5批).
    period_label: Mapped[str] = mapped_column(sa.String(30))
    period_start: Mapped[date]
    period_end: Mapped[date]
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[created_at]

    honoree: Mapped[Honoree] = relationship(back_populates="honors")
    program: Mapped[Program] = relationship()
    cycle: Mapped[Cycle | None] = relationship()
    category: Mapped[Category | None] = relationship()

    __table_args__ = (
        # The roll's order (newest period first): pages walk this index, no sort of the table.
        sa.Index("ix_honors_roll_order", "period_start", "id"),
        sa.UniqueConstraint("honoree_id", "program_id", "period_label", "award"),
        sa.CheckConstraint("period_start <= period_end", name="period_order"),
        sa.CheckConstraint(
            "status != 'published' OR published_at IS NOT NULL", name="published_has_time"
        ),
        sa.CheckConstraint(
            "status != 'revoked' OR revoked_at IS NOT NULL", name="revoked_has_time"
        ),
    )

    def __repr__(self) -> str:
        return f"<Honor {self.honoree_id} {self.program_id} {self.period_label}>"

    @hybrid_property
    def is_released(self) -> bool:
        """Published and its release time passed: neither pending, embargoed nor revoked."""
        return (
            self.status == HonorStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= utcnow()
        )

    @is_released.inplace.expression
    @classmethod
    def _is_released_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == HonorStatus.PUBLISHED, cls.published_at <= utcnow())


class HonoreeCorrection(db.Model):
    """One public field of a registry record corrected by staff, with the reason (kept
    for staff; the audit trail holds the same change)."""

    __tablename__ = "honoree_corrections"

    id: Mapped[intpk]
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    field: Mapped[str] = mapped_column(sa.String(30))
    before: Mapped[str | None] = mapped_column(sa.Text)
    after: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (sa.CheckConstraint("reason != ''", name="reason_given"),)


class HonoreeSlugRedirect(db.Model):
    """An old public address of a record merged into another: answers 301 to the target."""

    __tablename__ = "honoree_slug_redirects"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    honoree_id: Mapped[int] = mapped_column(
        sa.ForeignKey("honorees.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[created_at]

    honoree: Mapped[Honoree] = relationship()
