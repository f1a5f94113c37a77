"""Alembic environment: the engine comes from monitoring.db (no alembic.ini)."""

from alembic import context

from monitoring.schema import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
