"""programs administered in the UI: pupils' school, guardian age, cycles.rules_snapshot

Revision ID: 20261207_programs
Revises: 20261204_sched
Create Date: 2026-12-07 06:00:00

`programs.pupils_give_school`: candidates under 18 give school and grade instead of a work
unit (set for the existing programs whose age window ends at 18 or below, the youth ones).
`programs.guardian_consent_below_age`: below this age a guardian consents (14..18, default
18). `cycles.rules_snapshot`: the program's rules kept when nominations close
(app/programs/rules.py); cycles already past nominations keep reading the live program.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261207_programs"
down_revision = "20261207_registry"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pupils_give_school", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "guardian_consent_below_age", sa.Integer(), server_default="18", nullable=False
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_programs_guardian_age_range"), "guardian_consent_below_age BETWEEN 14 AND 18"
        )
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_snapshot", sa.JSON(), nullable=True))
    programs = sa.table(
        "programs", sa.column("pupils_give_school", sa.Boolean), sa.column("age_max", sa.Integer)
    )
    op.execute(
        programs.update()
        .where(programs.c.age_max.is_not(None), programs.c.age_max <= 18)
        .values(pupils_give_school=True)
    )


def downgrade():
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_column("rules_snapshot")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_programs_guardian_age_range"), type_="check")
        batch_op.drop_column("guardian_consent_below_age")
        batch_op.drop_column("pupils_give_school")
