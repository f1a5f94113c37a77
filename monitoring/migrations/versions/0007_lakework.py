"""Lake-level work: plans (sediment, ecological restoration), organism releases, the leading group.

Revision ID: 0007_lakework
Revises: 0006_uniqueness
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_lakework"
down_revision = "0006_uniqueness"
branch_labels = None
depends_on = None


def _voidable():
    return [
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("voided_at", sa.DateTime()),
        sa.Column("voided_by", sa.String(64)),
        sa.Column("void_reason", sa.Text(), nullable=False, server_default=""),
    ]


def upgrade():
    op.create_table(
        "lake_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("water_body", sa.String(16), nullable=False, server_default="yehu"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("document_no", sa.String(100), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("file", sa.LargeBinary()),
        sa.Column("file_name", sa.String(200)),
        sa.Column("file_type", sa.String(80)),
        *_voidable(),
        sa.PrimaryKeyConstraint("id", name="pk_lake_plans"),
    )
    op.create_index("ix_lake_plans_water_body", "lake_plans", ["water_body", "kind"])
    op.create_table(
        "lake_releases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("water_body", sa.String(16), nullable=False, server_default="yehu"),
        sa.Column("release_date", sa.Date(), nullable=False),
        sa.Column("species", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("quantity_unit", sa.String(12), nullable=False),
        sa.Column("water_area", sa.Float()),
        sa.Column("area_unit", sa.String(4), nullable=False, server_default="mu"),
        sa.Column("releasing_unit", sa.String(100), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        *_voidable(),
        sa.PrimaryKeyConstraint("id", name="pk_lake_releases"),
    )
    op.create_index("ix_lake_releases_water_body", "lake_releases", ["water_body", "release_date"])
    op.create_table(
        "lake_group_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("water_body", sa.String(16), nullable=False, server_default="yehu"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(8), nullable=False),
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("name", sa.String(50), nullable=False, server_default=""),
        sa.Column("post", sa.String(200), nullable=False, server_default=""),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lake_group_members"),
    )
    op.create_index("ix_lake_group_members_version", "lake_group_members", ["water_body", "version"])


def downgrade():
    op.drop_index("ix_lake_group_members_version", table_name="lake_group_members")
    op.drop_table("lake_group_members")
    op.drop_index("ix_lake_releases_water_body", table_name="lake_releases")
    op.drop_table("lake_releases")
    op.drop_index("ix_lake_plans_water_body", table_name="lake_plans")
    op.drop_table("lake_plans")
