"""Site activity dates, site aliases, not-sampled entries, boundary provenance on upload.

Revision ID: 0005_inputs
Revises: 0004_accounts_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_inputs"
down_revision = "0004_accounts_audit"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("active_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("active_to", sa.Date(), nullable=True))
    op.create_table(
        "site_aliases",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_code"], ["sites.code"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "not_sampled",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_code"], ["sites.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_not_sampled_week", "not_sampled", ["week", "parameter"])
    with op.batch_alter_table("boundary_versions") as batch:
        batch.add_column(sa.Column("provenance", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("prov_source", sa.String(length=500), server_default="", nullable=False))
        batch.add_column(sa.Column("prov_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("prov_by", sa.String(length=100), server_default="", nullable=False))
        batch.add_column(sa.Column("layer", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("boundary_versions") as batch:
        for col in ("layer", "prov_by", "prov_date", "prov_source", "provenance"):
            batch.drop_column(col)
    op.drop_index("ix_not_sampled_week", table_name="not_sampled")
    op.drop_table("not_sampled")
    op.drop_table("site_aliases")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("active_to")
        batch.drop_column("active_from")
