"""nominations.suggested_honoree_id: the nominator's registry hint, separate from the link

Revision ID: 20261204_registry
Revises: b4e1c70a2f19
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261204_registry"
down_revision = "b4e1c70a2f19"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested_honoree_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_nominations_suggested_honoree_id_honorees",
            "honorees",
            ["suggested_honoree_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_nominations_suggested_honoree_id_honorees", type_="foreignkey")
        batch_op.drop_column("suggested_honoree_id")
