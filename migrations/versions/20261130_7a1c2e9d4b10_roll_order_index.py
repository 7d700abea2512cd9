"""roll order index on honors (period_start, id)

Revision ID: 7a1c2e9d4b10
Revises: f1df55fb16f5
Create Date: 2026-11-30 06:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7a1c2e9d4b10"
down_revision = "f1df55fb16f5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("honors", schema=None) as batch_op:
        batch_op.create_index("ix_honors_roll_order", ["period_start", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("honors", schema=None) as batch_op:
        batch_op.drop_index("ix_honors_roll_order")
