"""registry search index: SQLite FTS5 trigram or PostgreSQL pg_trgm

Revision ID: 511c290dca5e
Revises: ba04b0c316a4
Create Date: 2026-11-30 03:43:56.811808

"""
import sqlalchemy as sa
from alembic import op

import app.db_types


# revision identifiers, used by Alembic.
revision = '511c290dca5e'
down_revision = 'ba04b0c316a4'
branch_labels = None
depends_on = None


def upgrade():
    from app.roll.search import create_index

    create_index(op.get_bind())


def downgrade():
    from app.roll.search import drop_index

    drop_index(op.get_bind())
