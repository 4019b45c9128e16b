"""Shared fixtures: a migrated database on SQLite and on PostgreSQL.

PostgreSQL tests use a fresh database per test on the server at 127.0.0.1:5432
(`CARETHREAD_TEST_PG_URL` overrides the admin URL); CI starts the server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, make_session_factory, upgrade

# The Slack stand-in enforces Slack's posting rate; tests get generous limits so that only
# the tests about pacing (which set their own) wait for it.
for _name, _value in {
    "SANDBOX_SLACK_POSTS_PER_SECOND": "1000",
    "SANDBOX_SLACK_POST_BURST": "1000",
    "SANDBOX_SLACK_UPDATES_PER_MINUTE": "60000",
}.items():
    os.environ.setdefault(_name, _value)

PG_ADMIN_URL = os.environ.get(
    "CARETHREAD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


PG_AVAILABLE = _pg_available()
# In CI PostgreSQL must be there: a silent skip would hide the second backend.
REQUIRE_PG = os.environ.get("CI") == "true"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'carethread.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not PG_AVAILABLE:
        if REQUIRE_PG:
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI but unreachable")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not running")
    name = f"carethread_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """A fresh, empty database URL on each backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


@pytest.fixture
def factory(database_url) -> Iterator[sessionmaker[Session]]:
    """A migrated database on each backend, as a session factory."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()
