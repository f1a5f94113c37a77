"""Positions of sections the documents leave 位置待定, placed by an administrator, versioned.

Revision ID: 0013_section_placements
Revises: 0012_task_progress
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_section_placements"
down_revision = "0012_task_progress"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "section_placements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("datum", sa.String(length=16), nullable=False),
        sa.Column("entered", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_code"], ["sites.code"], name="fk_section_placements_site_code_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_section_placements"),
        sa.UniqueConstraint("site_code", "version", name="uq_section_placements_site_version"),
    )


def downgrade():
    op.drop_table("section_placements")
