"""moves of a running phase's end with their reasons; a notice lasts at least 7 days

Revision ID: c4a1e7d2f903
Revises: 4c7e21b9a0d3
Create Date: 2026-12-04 17:30:00

"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "c4a1e7d2f903"
down_revision = "4c7e21b9a0d3"
branch_labels = None
depends_on = None

FIELDS = ("nominations_close_at", "review_ends_at", "voting_ends_at", "notice_ends_at")


def upgrade():
    op.create_table(
        "cycle_date_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("previous_at", app.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("new_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "field IN (" + ", ".join(f"'{name}'" for name in FIELDS) + ")",
            name=op.f("ck_cycle_date_changes_field"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_cycle_date_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_cycle_date_changes_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_date_changes")),
    )
    with op.batch_alter_table("cycle_date_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cycle_date_changes_cycle_id"), ["cycle_id"], unique=False
        )
    # No program's notice is shorter than seven days (SPEC §7).
    op.execute("UPDATE programs SET notice_days = 7 WHERE notice_days < 7")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_programs_notice_days_positive"), type_="check")
        batch_op.create_check_constraint(op.f("ck_programs_notice_days_min"), "notice_days >= 7")


def downgrade():
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_programs_notice_days_min"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_programs_notice_days_positive"), "notice_days >= 1"
        )
    with op.batch_alter_table("cycle_date_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_date_changes_cycle_id"))
    op.drop_table("cycle_date_changes")
