"""schedule actor: audit_events.via names a non-human actor; cycles.notice_ended_at

Revision ID: 20261204_sched
Revises: 20261204_registry
Create Date: 2026-12-04 18:00:00

`honors schedule` audits its moves as done by "schedule" and marks, once, that a cycle's
public notice has ended (staff are told the cycle awaits publication).
"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "20261204_sched"
down_revision = "20261204_registry"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("via", sa.String(length=20), nullable=True))
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notice_ended_at", app.db_types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_column("notice_ended_at")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("via")
