"""One step recorded once per pond, enforced by the database.

``retirement_events.live_step`` holds the step of a "done" event while it stands and is cleared
when the event is voided; a unique index on (pond_code, live_step) then refuses a second live
record of one step however two requests race (NULLs never clash, on SQLite and PostgreSQL
alike), and a voided step can be recorded again. Existing ledgers are filled in as they
replay: where a race once stored one step twice, the later record (the one the ledger shows)
holds the step.

Revision ID: 0010_ledger_live
Revises: 0009_postgis
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_ledger_live"
down_revision = "0009_postgis"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("retirement_events", sa.Column("live_step", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE retirement_events SET live_step = step "
        "WHERE kind = 'done' AND step IS NOT NULL "
        "AND id NOT IN (SELECT voids FROM retirement_events WHERE kind = 'void' AND voids IS NOT NULL) "
        "AND id = (SELECT max(e.id) FROM retirement_events e WHERE e.kind = 'done' "
        "AND e.pond_code = retirement_events.pond_code AND e.step = retirement_events.step "
        "AND e.id NOT IN (SELECT voids FROM retirement_events WHERE kind = 'void' AND voids IS NOT NULL))"
    )
    op.create_index("uq_retirement_events_live_step", "retirement_events", ["pond_code", "live_step"], unique=True)


def downgrade():
    op.drop_index("uq_retirement_events_live_step", table_name="retirement_events")
    with op.batch_alter_table("retirement_events") as batch:
        batch.drop_column("live_step")
