"""registry corrections: honoree_corrections (the log) and honoree_slug_redirects (merges)

Revision ID: 20261207_registry
Revises: 20261204_sched
Create Date: 2026-12-07 05:33:21

Staff correct a published honoree's public fields (each change logged with its reason) and
merge two records of one person (the old slug answers 301 to the record kept).
"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "20261207_registry"
down_revision = "20261204_sched"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "honoree_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("honoree_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("reason != ''", name=op.f("ck_honoree_corrections_reason_given")),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_honoree_corrections_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["honoree_id"],
            ["honorees.id"],
            name=op.f("fk_honoree_corrections_honoree_id_honorees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honoree_corrections")),
    )
    with op.batch_alter_table("honoree_corrections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honoree_corrections_honoree_id"), ["honoree_id"], unique=False
        )

    op.create_table(
        "honoree_slug_redirects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("honoree_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["honoree_id"],
            ["honorees.id"],
            name=op.f("fk_honoree_slug_redirects_honoree_id_honorees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honoree_slug_redirects")),
        sa.UniqueConstraint("slug", name=op.f("uq_honoree_slug_redirects_slug")),
    )
    with op.batch_alter_table("honoree_slug_redirects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_honoree_slug_redirects_honoree_id"), ["honoree_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("honoree_slug_redirects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honoree_slug_redirects_honoree_id"))

    op.drop_table("honoree_slug_redirects")
    with op.batch_alter_table("honoree_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honoree_corrections_honoree_id"))

    op.drop_table("honoree_corrections")
