"""Audit rows cannot be replaced on SQLite; usernames unique regardless of case.

SQLite's ``INSERT OR REPLACE`` deletes the conflicting row without firing DELETE triggers, so
an audit row could be rewritten: a BEFORE INSERT trigger now refuses an insert whose id exists
(on PostgreSQL ``ON CONFLICT DO UPDATE`` already meets the UPDATE trigger). A unique index on
``lower(username)`` makes "Racer" and "racer" one account even when two requests race.

Revision ID: 0006_uniqueness
Revises: 0005_inputs
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_uniqueness"
down_revision = "0005_inputs"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    clash = bind.execute(
        sa.text("SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1")
    ).scalars()
    clash = sorted(clash)
    if clash:
        raise RuntimeError(
            "usernames that differ only in case must be merged or renamed before this upgrade: " + ", ".join(clash)
        )
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit "
            "WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit rows are never changed or deleted'); END"
        )
    op.create_index("uq_users_username_ci", "users", [sa.text("lower(username)")], unique=True)


def downgrade():
    op.drop_index("uq_users_username_ci", table_name="users")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_no_replace")
