"""Sites belong to a water body (``data/waterbodies.toml``); every existing site is Yehu's.

Revision ID: 0011_water_bodies
Revises: 0010_ledger_live
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_water_bodies"
down_revision = "0010_ledger_live"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("water_body", sa.String(16), nullable=False, server_default="yehu"))
    op.create_index("ix_sites_water_body", "sites", ["water_body"])


def downgrade():
    op.drop_index("ix_sites_water_body", table_name="sites")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("water_body")
