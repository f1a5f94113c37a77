"""Sites, versioned samples, imports and tracing cases.

Frozen: the tables are written out here as they were when this revision was made; a migration never
reads the live models in monitoring/schema.py, so later model changes need their own migration.

Revision ID: 0001_samples
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_samples"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sites",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("pond_id", sa.Integer(), nullable=True),
        sa.Column("town", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=500), server_default="", nullable=False),
        sa.Column("provisional", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_sites"),
    )
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sample_uid", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("retracted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("change_reason", sa.Text(), nullable=True),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sampled_at_utc", sa.DateTime(), nullable=False),
        sa.Column("tz", sa.String(length=40), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("value_mg_l", sa.Float(), nullable=False),
        sa.Column("censored", sa.Boolean(), nullable=False),
        sa.Column("detection_limit", sa.Float(), nullable=True),
        sa.Column("value_entered", sa.String(length=64), server_default="", nullable=False),
        sa.Column("unit_entered", sa.String(length=16), server_default="mg/L", nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("qc_type", sa.String(length=20), nullable=False),
        sa.Column("laboratory", sa.String(length=200), server_default="", nullable=False),
        sa.Column("inspector", sa.String(length=200), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_samples"),
        sa.UniqueConstraint("sample_uid", "version", name="uq_samples_uid_version"),
        sa.ForeignKeyConstraint(["site_code"], ["sites.code"], name="fk_samples_site_code_sites"),
    )
    op.create_index("ix_samples_site_time", "samples", ["site_code", "sampled_at_utc"], unique=False)
    op.create_index("ix_samples_uid", "samples", ["sample_uid"], unique=False)
    op.create_index("ix_samples_week_parameter", "samples", ["week", "parameter"], unique=False)
    op.create_index(
        "uq_samples_current",
        "samples",
        ["site_code", "sampled_at_utc", "parameter", "qc_type"],
        unique=True,
        sqlite_where=sa.text("is_current AND NOT retracted"),
        postgresql_where=sa.text("is_current AND NOT retracted"),
    )
    op.create_table(
        "imports",
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name="pk_imports"),
    )
    op.create_table(
        "tracing_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=32), nullable=False),
        sa.Column("sample_uid", sa.String(length=36), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("value_mg_l", sa.Float(), nullable=False),
        sa.Column("limit_mg_l", sa.Float(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), server_default="", nullable=False),
        sa.Column("action", sa.Text(), server_default="", nullable=False),
        sa.Column("responsible_unit", sa.String(length=100), server_default="", nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closing_sample_uid", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(["site_code"], ["sites.code"], name="fk_tracing_cases_site_code_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_tracing_cases"),
        sa.UniqueConstraint("sample_uid", name="uq_tracing_cases_sample_uid"),
    )


def downgrade():
    op.drop_table("tracing_cases")
    op.drop_table("imports")
    op.drop_index("uq_samples_current", table_name="samples")
    op.drop_index("ix_samples_week_parameter", table_name="samples")
    op.drop_index("ix_samples_uid", table_name="samples")
    op.drop_index("ix_samples_site_time", table_name="samples")
    op.drop_table("samples")
    op.drop_table("sites")
