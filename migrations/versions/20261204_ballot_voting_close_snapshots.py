"""voting close: cycles.voting_closed_at, tally snapshots; forced change after admin reset

Revision ID: b4e1c70a2f19
Revises: c4a1e7d2f903
Create Date: 2026-12-04 17:00:00

Cycles already past voting (or with results applied) count as closed from when their
results were applied; their tally has no snapshot and is computed from their ballots,
which no longer change.
"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "b4e1c70a2f19"
down_revision = "c4a1e7d2f903"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tally_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("computed_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_tally_snapshots_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_snapshots")),
        sa.UniqueConstraint("cycle_id", "round", name=op.f("uq_tally_snapshots_cycle_id_round")),
    )
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("voting_closed_at", app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("password_reset_at", app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE cycles SET voting_closed_at = COALESCE("
        "results_applied_at, notice_starts_at, voting_ends_at, created_at) "
        "WHERE voting_closed_at IS NULL AND (results_applied_at IS NOT NULL "
        "OR state IN ('notice', 'published', 'closed'))"
    )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_reset_at")
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_column("voting_closed_at")
    op.drop_table("tally_snapshots")
