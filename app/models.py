"""Every model module, imported once so the metadata is complete (migrations, create_all)."""

from app.accounts.models import LoginFailure, Role, User, UserRole
from app.audit.models import AuditEvent
from app.honors.models import GroupMember, Honor, Honoree
from app.orgs.models import Organisation
from app.programs.models import Category, Cycle, Program, ProgramCategory

__all__ = [
    "AuditEvent",
    "Category",
    "Cycle",
    "GroupMember",
    "Honor",
    "Honoree",
    "LoginFailure",
    "Organisation",
    "Program",
    "ProgramCategory",
    "Role",
    "User",
    "UserRole",
]
