"""Engine, sessions and schema migrations.

One session per unit of work: `with session_scope(factory) as session:` commits on
success and rolls back on any exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CursorResult, Engine, create_engine, event, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used."""


class SchemaOutOfDate(RuntimeError):
    """The database is not at the latest migration."""


def normalize_database_url(url: str) -> str:
    """Accept the URL forms hosts hand out and pick the psycopg 3 driver for PostgreSQL.

    Heroku and others give `postgres://…`, which SQLAlchemy no longer accepts.
    """
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            f"is not a database URL: {url!r} (use sqlite:///path.db or postgresql://…)"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseUrlError(f"must be SQLite or PostgreSQL, got {parsed.get_backend_name()!r}")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        raise DatabaseUrlError("for PostgreSQL use postgresql:// (psycopg 3 is the driver)")
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file (and its folder) is created on first use."""
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # We start transactions ourselves (below); pysqlite's own handling breaks
            # SAVEPOINT and starts them too late.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # WAL lets the Slack listeners read while the poll job writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):  # type: ignore[no-untyped-def]
            # Take the write lock up front: a transaction that read first and writes
            # later would otherwise fail at once with "database is locked" when another
            # writer committed in between, instead of waiting its turn (busy_timeout).
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises."""
    with factory.begin() as session:
        yield session


def compare_and_set(
    session: Session, model: type, conditions: Sequence[Any], values: dict[str, Any]
) -> bool:
    """`UPDATE model SET values WHERE conditions`; True when a row matched.

    The one way state changes that people race for (claim, approve, start sending):
    the condition and the write are one statement, so of two concurrent clicks
    exactly one matches, on SQLite and PostgreSQL alike.
    """
    result = session.execute(
        update(model)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a CursorResult, which carries the matched row count.
    return bool(cast(CursorResult[Any], result).rowcount)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> str:
    """Apply every pending migration; returns the revision the database is now at."""
    command.upgrade(_alembic_config(engine), "head")
    return head_revision()


def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config_without_engine())
    return script.get_current_head() or ""


def _alembic_config_without_engine() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise `SchemaOutOfDate` unless the database is at the latest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "has no Carethread tables yet" if current is None else f"is at revision {current}"
        raise SchemaOutOfDate(
            f"The database {state}, but this version of Carethread needs revision {head}. "
            "Run `python -m bot db upgrade` first."
        )
