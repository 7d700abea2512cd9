"""login throttle per (name, address) instead of lockout; like budgets per address

Revision ID: 4c7e21b9a0d3
Revises: 4d2b8e61c0a7
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "4c7e21b9a0d3"
down_revision = "4d2b8e61c0a7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_attempts_username_address_at", ["username", "address", "at"], unique=False
        )
        batch_op.create_index("ix_login_attempts_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_login_attempts_at", ["at"], unique=False)

    op.create_table(
        "like_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("window_start", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_like_budgets")),
        sa.UniqueConstraint(
            "ip_hash",
            "scope",
            "window_start",
            name=op.f("uq_like_budgets_ip_hash_scope_window_start"),
        ),
    )
    with op.batch_alter_table("like_budgets", schema=None) as batch_op:
        batch_op.create_index("ix_like_budgets_window_start", ["window_start"], unique=False)

    # The lockout is gone: its failures (per account only) and lock times are dropped.
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_user_at")
    op.drop_table("login_failures")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locked_until", app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_failures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_user_at", ["user_id", "at"], unique=False)

    with op.batch_alter_table("like_budgets", schema=None) as batch_op:
        batch_op.drop_index("ix_like_budgets_window_start")
    op.drop_table("like_budgets")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_at")
        batch_op.drop_index("ix_login_attempts_address_at")
        batch_op.drop_index("ix_login_attempts_username_address_at")
    op.drop_table("login_attempts")
