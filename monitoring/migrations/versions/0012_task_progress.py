"""Progress of the water bodies' rectification tasks (整改任务), voidable with a reason.

Revision ID: 0012_task_progress
Revises: 0011_water_bodies
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_task_progress"
down_revision = "0011_water_bodies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_progress",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("water_body", sa.String(16), nullable=False),
        sa.Column("task_key", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("progress_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("unit", sa.String(100), nullable=False, server_default=""),
        sa.Column("file", sa.LargeBinary()),
        sa.Column("file_name", sa.String(200)),
        sa.Column("file_type", sa.String(80)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("voided_at", sa.DateTime()),
        sa.Column("voided_by", sa.String(64)),
        sa.Column("void_reason", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_task_progress"),
    )
    op.create_index("ix_task_progress_task", "task_progress", ["water_body", "task_key"])


def downgrade():
    op.drop_index("ix_task_progress_task", table_name="task_progress")
    op.drop_table("task_progress")
