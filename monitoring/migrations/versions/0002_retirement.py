"""Retirement ledger events.

Revision ID: 0002_retirement
Revises: 0001_samples
"""

from alembic import op

from monitoring.schema import metadata

revision = "0002_retirement"
down_revision = "0001_samples"
branch_labels = None
depends_on = None


def upgrade():
    metadata.tables["retirement_events"].create(op.get_bind())


def downgrade():
    metadata.tables["retirement_events"].drop(op.get_bind())
