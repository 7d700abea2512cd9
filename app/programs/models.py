"""Program, category and cycle schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk
from app.extensions import db
from app.programs.workflow import CyclePhase


class Level(LabelledEnum):
    CITY = "city"
    PROVINCE = "province"
    NATION = "nation"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.CITY: _l("City"),
            cls.PROVINCE: _l("Province"),
            cls.NATION: _l("Nation"),
        }


class Cadence(LabelledEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    BIENNIAL = "biennial"
    IRREGULAR = "irregular"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.MONTHLY: _l("Monthly"),
            cls.QUARTERLY: _l("Quarterly"),
            cls.ANNUAL: _l("Annual"),
            cls.BIENNIAL: _l("Every two years"),
            cls.IRREGULAR: _l("Irregular"),
        }


class NomineeKind(LabelledEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    BOTH = "both"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.INDIVIDUAL: _l("Individuals"),
            cls.GROUP: _l("Groups"),
            cls.BOTH: _l("Individuals and groups"),
        }


class BallotRule(LabelledEnum):
    APPROVAL = "approval"
    SCORE = "score"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.APPROVAL: _l("Approval"),
            cls.SCORE: _l("Scores"),
        }


# Days each phase lasts when `honors schedule` creates a cycle; a program may override.
DEFAULT_PHASE_TEMPLATE: dict[str, int] = {
    "nominating_days": 15,
    "vetting_days": 5,
    "public_review_days": 5,
    "voting_days": 3,
    "notice_days": 7,
}
# A public notice never lasts less than this, whatever a program says (SPEC §7).
MIN_NOTICE_DAYS = 7
# Bounds of Program.guardian_consent_below_age: under 14 a guardian always consents (PIPL
# art. 31), and every minor is under 18.
GUARDIAN_AGE_RANGE = (14, 18)

program_feeds = sa.Table(
    "program_feeds",
    db.metadata,
    sa.Column("program_id", sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("target_id", sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(30))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    sort_order: Mapped[int] = mapped_column(default=0)


class ProgramCategory(db.Model):
    __tablename__ = "program_categories"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="RESTRICT"), primary_key=True
    )
    quota: Mapped[int | None]

    category: Mapped[Category] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint("quota IS NULL OR quota > 0", name="quota_positive"),)


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    level: Mapped[Level] = mapped_column(enum_type(Level, "level"))
    external: Mapped[bool] = mapped_column(default=False)
    cadence: Mapped[Cadence] = mapped_column(enum_type(Cadence, "cadence"))
    quota: Mapped[int | None]
    # Places for collectives on top of `quota` (e.g. 感动漯河's collective award).
    group_quota: Mapped[int | None]
    nominee_kind: Mapped[NomineeKind] = mapped_column(enum_type(NomineeKind, "nominee_kind"))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    ballot_rule: Mapped[BallotRule] = mapped_column(
        enum_type(BallotRule, "ballot_rule"), default=BallotRule.APPROVAL
    )
    public_review: Mapped[bool] = mapped_column(default=False)
    public_weight_pct: Mapped[int] = mapped_column(default=0)
    # Whether the public sees running like totals during the review (always after close).
    show_like_counts: Mapped[bool] = mapped_column(default=True)
    notice_days: Mapped[int] = mapped_column(default=7)
    # Once honored by this program, a person is not nominated to it again.
    cooldown: Mapped[bool] = mapped_column(default=True)
    # Pupils (candidates under 18) give their school and grade instead of a work unit.
    pupils_give_school: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Candidates younger than this need a guardian's consent (18: every minor; the law
    # allows no less than 14, see GUARDIAN_AGE_RANGE).
    guardian_consent_below_age: Mapped[int] = mapped_column(default=18, server_default="18")
    has_nomination_award: Mapped[bool] = mapped_column(default=False)
    minors_in_public_review: Mapped[bool] = mapped_column(default=False)
    # Quorum as a fraction of the roster (default 2/3), score threshold in tenths of a point
    # (60 = mean 6.0), and the score criteria [{"code", "name_zh", "name_en", "weight"}].
    quorum_num: Mapped[int] = mapped_column(default=2)
    quorum_den: Mapped[int] = mapped_column(default=3)
    min_mean_score_tenths: Mapped[int] = mapped_column(default=60)
    score_criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    require_justification: Mapped[bool] = mapped_column(default=False)
    phase_template: Mapped[dict[str, Any]] = mapped_column(
        sa.JSON, default=lambda: dict(DEFAULT_PHASE_TEMPLATE)
    )
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    categories: Mapped[list[ProgramCategory]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    feeds: Mapped[list[Program]] = relationship(
        secondary=program_feeds,
        primaryjoin=lambda: Program.id == program_feeds.c.program_id,
        secondaryjoin=lambda: Program.id == program_feeds.c.target_id,
    )

    __table_args__ = (
        sa.CheckConstraint("public_weight_pct BETWEEN 0 AND 100", name="public_weight_range"),
        sa.CheckConstraint(f"notice_days >= {MIN_NOTICE_DAYS}", name="notice_days_min"),
        sa.CheckConstraint("quota IS NULL OR quota > 0", name="quota_positive"),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"
        ),
        sa.CheckConstraint(
            "quorum_num > 0 AND quorum_den > 0 AND quorum_num <= quorum_den", name="quorum_range"
        ),
        sa.CheckConstraint(
            "guardian_consent_below_age BETWEEN "
            f"{GUARDIAN_AGE_RANGE[0]} AND {GUARDIAN_AGE_RANGE[1]}",
            name="guardian_age_range",
        ),
    )

    def __repr__(self) -> str:
        return f"<Program {self.code}>"


class Cycle(db.Model):
    __tablename__ = "cycles"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[CyclePhase] = mapped_column(
        enum_type(CyclePhase, "state"), default=CyclePhase.DRAFT
    )
    # Date on which age limits are evaluated (usually the period's first day).
    reference_date: Mapped[date]
    nominations_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nominations_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When `honors schedule` saw the notice end and told staff the cycle awaits publication
    # (once per end: moving the notice's end clears it). Publishing stays with staff.
    notice_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when voting opens: the roster and the candidate list cannot change afterwards.
    committee_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the committee's main vote closed (staff, or `honors schedule` at voting_ends_at):
    # no ballot or recusal counts after it, and the results are computed then, once.
    voting_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the committee's results were applied (winners selected).
    results_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The program's rules as they were when nominations closed (app/programs/rules.py):
    # what decides the cycle from then on, whatever later edits to the program say.
    rules_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[created_at]

    program: Mapped[Program] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("program_id", "period"),)

    def __repr__(self) -> str:
        return f"<Cycle {self.program_id} {self.period} {self.state}>"


# The date fields whose moves are recorded as CycleDateChange rows: each phase's end.
PHASE_END_FIELDS = ("nominations_close_at", "review_ends_at", "voting_ends_at", "notice_ends_at")


class CycleDateChange(db.Model):
    """A running phase's end moved by staff, with the reason they gave (shown publicly for
    the notice: citizens see why the announced end changed)."""

    __tablename__ = "cycle_date_changes"

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(sa.String(30))
    previous_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    __table_args__ = (
        sa.CheckConstraint(
            "field IN (" + ", ".join(f"'{name}'" for name in PHASE_END_FIELDS) + ")",
            name="field",
        ),
    )
