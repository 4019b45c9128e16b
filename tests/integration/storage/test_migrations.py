"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and upgrading a database that holds data keeps it."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from storage.db import _alembic_config, make_engine, upgrade
from storage.models import Base
from storage.vectors import VECTOR_TABLE


def _managed(name, type_, parent_names) -> bool:
    """pgvector's table exists only where the server has the extension (storage/vectors.py)."""
    return not (type_ == "table" and name == VECTOR_TABLE)


def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _managed})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_from_0002_keeps_posts_and_checkpoints(database_url):
    engine = make_engine(database_url)
    command.upgrade(_alembic_config(engine), "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO poll_checkpoint (network, stream, since_id) "
                "VALUES ('x', 'mentions', '1900000000000000001')"
            )
        )
    upgrade(engine)
    with engine.connect() as connection:
        cursor = connection.execute(text("SELECT cursor FROM poll_checkpoint")).scalar()
    engine.dispose()
    assert cursor == "1900000000000000001"
