"""Alembic environment: uses the engine handed over by storage.db (no alembic.ini)."""

from alembic import context

from storage.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table.
    )
    with context.begin_transaction():
        context.run_migrations()
