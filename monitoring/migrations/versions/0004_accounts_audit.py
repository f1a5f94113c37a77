"""Accounts, sessions, login attempts, the audit trail, register edits and boundary versions.

The audit table refuses UPDATE and DELETE at the database level (triggers).

Revision ID: 0004_accounts_audit
Revises: 0003_patrols_tips
"""

from alembic import op

from monitoring.schema import metadata

revision = "0004_accounts_audit"
down_revision = "0003_patrols_tips"
branch_labels = None
depends_on = None

TABLES = ("users", "login_attempts", "sessions", "audit", "register_edits", "boundary_versions")


def upgrade():
    bind = op.get_bind()
    for name in TABLES:
        metadata.tables[name].create(bind)
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
            "BEGIN SELECT RAISE(ABORT, 'audit rows are never changed or deleted'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
            "BEGIN SELECT RAISE(ABORT, 'audit rows are never changed or deleted'); END"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_immutable() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit rows are never changed or deleted'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_immutable BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_immutable()"
        )
        op.execute(
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable()"
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
        op.execute("DROP TRIGGER IF EXISTS audit_immutable ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_immutable()")
    for name in reversed(TABLES):
        metadata.tables[name].drop(bind)
