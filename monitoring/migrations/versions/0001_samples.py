"""Sites, versioned samples, imports and tracing cases.

Revision ID: 0001_samples
Revises:
"""

from alembic import op

from monitoring.schema import metadata

revision = "0001_samples"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ["sites", "samples", "imports", "tracing_cases"]


def upgrade():
    bind = op.get_bind()
    for name in TABLES:
        metadata.tables[name].create(bind)


def downgrade():
    bind = op.get_bind()
    for name in reversed(TABLES):
        metadata.tables[name].drop(bind)
