"""Failed-login counters updated in place: parallel attempts cannot overtake the count.

One row per account, per client and per client-and-account; each attempt claims a slot with
one UPDATE before its password is checked (``monitoring/store/accounts.py``).

Revision ID: 0008_throttle
Revises: 0007_lakework
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_throttle"
down_revision = "0007_lakework"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttle",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=140), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "name", name="pk_login_throttle"),
    )


def downgrade():
    op.drop_table("login_throttle")
