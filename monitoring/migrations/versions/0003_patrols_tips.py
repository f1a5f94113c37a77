"""Patrol log and public tips.

Revision ID: 0003_patrols_tips
Revises: 0002_retirement
"""

from alembic import op

from monitoring.schema import metadata

revision = "0003_patrols_tips"
down_revision = "0002_retirement"
branch_labels = None
depends_on = None


def upgrade():
    for name in ("patrols", "tips"):
        metadata.tables[name].create(op.get_bind())


def downgrade():
    for name in ("tips", "patrols"):
        metadata.tables[name].drop(op.get_bind())
