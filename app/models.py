"""Every model module, imported once so the metadata is complete (migrations, create_all)."""

from app.accounts.models import LoginAttempt, Role, User, UserRole
from app.audit.models import AuditEvent
from app.committee.models import (
    Ballot,
    BallotVersion,
    CommitteeMember,
    Conflict,
    Runoff,
    TallySnapshot,
)
from app.core.public_data import PublicDataVersion
from app.courtesy.models import AidGrant, CourtesyCard, HardshipAssessment, Visit
from app.nominations.models import (
    ConsultationCheck,
    Nomination,
    NominationAttachment,
    NominationEvent,
    NominationMember,
    NominationNote,
    NominationPhoto,
    PublicRecommendation,
)
from app.notice.models import Objection
from app.notifications.models import Notification, OutgoingMail, ReminderSent
from app.orgs.models import Organisation
from app.programs.models import Category, Cycle, Program, ProgramCategory
from app.promotions.models import Promotion
from app.registry.models import (
    GroupMember,
    Honor,
    Honoree,
    HonoreeCorrection,
    HonoreeSlugRedirect,
)
from app.review.models import Like, LikeBudget

__all__ = [
    "AidGrant",
    "CourtesyCard",
    "HardshipAssessment",
    "Promotion",
    "Visit",
    "Ballot",
    "BallotVersion",
    "CommitteeMember",
    "Conflict",
    "Runoff",
    "TallySnapshot",
    "ConsultationCheck",
    "Nomination",
    "NominationAttachment",
    "NominationEvent",
    "NominationMember",
    "NominationNote",
    "NominationPhoto",
    "Notification",
    "Objection",
    "OutgoingMail",
    "ReminderSent",
    "PublicRecommendation",
    "AuditEvent",
    "Category",
    "Cycle",
    "GroupMember",
    "Like",
    "LikeBudget",
    "Honor",
    "Honoree",
    "HonoreeCorrection",
    "HonoreeSlugRedirect",
    "LoginAttempt",
    "Organisation",
    "Program",
    "PublicDataVersion",
    "ProgramCategory",
    "Role",
    "User",
    "UserRole",
]
