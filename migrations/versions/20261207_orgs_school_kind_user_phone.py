"""organisations.kind accepts "school"; users.phone (from the organisation import)

Revision ID: 20261207_orgs
Revises: 20261204_sched
Create Date: 2026-12-07 06:00:00

The kind is a non-native enum backed by the CHECK ck_organisations_kind: the CHECK is
recreated with the new value list (SQLite rebuilds the table in batch mode).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_orgs"
down_revision = "20261207_programs"
branch_labels = None
depends_on = None

OLD_KINDS = ("city", "district", "township", "community", "work_unit", "media", "office")
NEW_KINDS = (*OLD_KINDS, "school")


def _set_kinds(values):
    listed = ", ".join(f"'{v}'" for v in values)
    name = op.f("ck_organisations_kind")
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("organisations", schema=None, recreate=recreate) as batch_op:
        batch_op.drop_constraint(name, type_="check")
        batch_op.create_check_constraint(name, sa.text(f"kind IN ({listed})"))


def upgrade():
    _set_kinds(NEW_KINDS)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phone")
    op.execute("UPDATE organisations SET kind = 'work_unit' WHERE kind = 'school'")
    _set_kinds(OLD_KINDS)
