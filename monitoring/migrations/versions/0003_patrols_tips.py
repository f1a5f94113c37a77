"""Patrol log and public tips.

Frozen: the tables are written out here as they were when this revision was made; a migration never
reads the live models in monitoring/schema.py, so later model changes need their own migration.

Revision ID: 0003_patrols_tips
Revises: 0002_retirement
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_patrols_tips"
down_revision = "0002_retirement"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "patrols",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patrol_date", sa.Date(), nullable=False),
        sa.Column("inspectors", sa.String(length=300), nullable=False),
        sa.Column("ponds", sa.String(length=300), server_default="", nullable=False),
        sa.Column("area", sa.String(length=300), server_default="", nullable=False),
        sa.Column("findings", sa.String(length=300), server_default="", nullable=False),
        sa.Column("dead_fish_disposal", sa.Text(), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_name", sa.String(length=200), nullable=True),
        sa.Column("photo_type", sa.String(length=40), nullable=True),
        sa.Column("case_status", sa.String(length=8), server_default="none", nullable=False),
        sa.Column("case_action", sa.Text(), server_default="", nullable=False),
        sa.Column("case_unit", sa.String(length=100), server_default="", nullable=False),
        sa.Column("case_deadline", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patrols"),
    )
    op.create_table(
        "tips",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("location_text", sa.String(length=200), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("contact", sa.String(length=200), server_default="", nullable=False),
        sa.Column("in_ban_zone", sa.Boolean(), nullable=False),
        sa.Column("in_nofish_zone", sa.Boolean(), nullable=False),
        sa.Column("shore_distance_m", sa.Float(), nullable=False),
        sa.Column("nearest_pond", sa.String(length=32), nullable=True),
        sa.Column("nearest_pond_m", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reward_granted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("reward_amount", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tips"),
    )


def downgrade():
    op.drop_table("tips")
    op.drop_table("patrols")
