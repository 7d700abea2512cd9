"""Reads of accounts: every user for the admin list, whether an active administrator exists."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Role, User, UserRole
from app.extensions import db


def active_admin_exists() -> bool:
    """Whether some active account can administer the site (`honors init` asks for one)."""
    admin = sa.exists().where(
        UserRole.user_id == User.id, UserRole.role == Role.ADMIN, User.is_active.is_(True)
    )
    return bool(db.session.scalar(sa.select(admin)))


def list_users() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).options(joinedload(User.organisation)).order_by(User.username)
        )
    )
