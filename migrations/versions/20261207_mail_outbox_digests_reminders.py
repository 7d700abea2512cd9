"""mail outbox for every mail, inbox digests, reminders sent once

Revision ID: 20261207_mail
Revises: 20261207_orgs
Create Date: 2026-12-07 06:00:00

Mail is now written to `mail_outbox` with its action and sent by `honors deliver`, which
claims rows (`claimed_at`, `claimed_by`) and retries with backoff (`next_attempt_at`).
Inbox rows of one kind and cycle fold into one (`digest_key`, `count`). `reminders_sent`
makes each call or reminder of `honors schedule` go out once.
"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "20261207_mail"
down_revision = "20261207_orgs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_key", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("count", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index(
            "ix_notifications_user_digest", ["user_id", "digest_key"], unique=False
        )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_attempt_at", app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("claimed_at", app.db_types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
        batch_op.create_index("ix_mail_outbox_due", ["sent_at", "next_attempt_at"], unique=False)
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_reminders_sent_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint(
            "cycle_id", "kind", "target_id", name=op.f("uq_reminders_sent_cycle_id_kind_target_id")
        ),
    )


def downgrade():
    op.drop_table("reminders_sent")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_due")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_digest")
        batch_op.drop_column("count")
        batch_op.drop_column("digest_key")
