"""User, role and login-attempt schema."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.labels import LabelledEnum
from app.db_types import UTCDateTime, created_at, enum_type, intpk, utcnow
from app.extensions import db

if TYPE_CHECKING:  # the organisation tree sits above accounts (README "Layout")
    from app.orgs.models import Organisation


class Role(LabelledEnum):
    NOMINATOR = "nominator"
    STAFF = "staff"
    COMMITTEE = "committee"
    ADMIN = "admin"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.NOMINATOR: _l("Nominating unit"),
            cls.STAFF: _l("Secretariat staff"),
            cls.COMMITTEE: _l("Committee member"),
            cls.ADMIN: _l("Administrator"),
        }


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(60))
    email: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout-everywhere, password change and deactivation: it is part of the
    # session's user id, so an old cookie stops matching.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an administrator sets the password: the next login must choose a new one,
    # and nothing the member stored before `password_reset_at` (a ballot) is shown again.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    password_reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]

    organisation: Mapped[Organisation | None] = relationship("Organisation")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(db.Model):
    """One failed password check, by typed name (existing or not) and hashed address.

    Kept in the database so that every worker and machine throttles alike (see throttle.py).
    """

    __tablename__ = "login_attempts"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(64))  # keyed hash of the client address
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_login_attempts_username_address_at", "username", "address", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
        sa.Index("ix_login_attempts_at", "at"),
    )
