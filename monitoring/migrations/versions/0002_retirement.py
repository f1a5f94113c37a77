"""Retirement ledger events.

Frozen: the tables are written out here as they were when this revision was made; a migration never
reads the live models in monitoring/schema.py, so later model changes need their own migration.

Revision ID: 0002_retirement
Revises: 0001_samples
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_retirement"
down_revision = "0001_samples"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retirement_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pond_code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("voids", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("responsible_unit", sa.String(length=100), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("document_no", sa.String(length=100), server_default="", nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_name", sa.String(length=200), nullable=True),
        sa.Column("photo_type", sa.String(length=40), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pond_code"], ["sites.code"], name="fk_retirement_events_pond_code_sites"),
        sa.ForeignKeyConstraint(
            ["voids"], ["retirement_events.id"], name="fk_retirement_events_voids_retirement_events"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_retirement_events"),
    )
    op.create_index("ix_retirement_events_pond", "retirement_events", ["pond_code"], unique=False)


def downgrade():
    op.drop_index("ix_retirement_events_pond", table_name="retirement_events")
    op.drop_table("retirement_events")
