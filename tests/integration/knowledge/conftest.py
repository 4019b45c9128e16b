"""A PostgreSQL server that has pgvector, for the pgvector path of similar cases.

Debian bookworm (this machine and CI) packages no pgvector for its PostgreSQL 15, so the
pgserver wheel (a dev dependency) runs a throwaway PostgreSQL 16 with pgvector 0.6 from its
own binaries, on a Unix socket in a temporary folder, once per test session.
"""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

REQUIRE = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def pgvector_server() -> Iterator[Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError:
        if REQUIRE:
            pytest.fail("pgserver (dev dependency) is required in CI for the pgvector tests")
        pytest.skip("pgserver is not installed: no PostgreSQL with pgvector to test against")
    folder = tempfile.mkdtemp(prefix="carethread-pgvector-")
    server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()


def sqlalchemy_url(uri: str) -> str:
    """pgserver's `postgresql://postgres:@/db?host=/socket` as our DATABASE_URL form."""
    return uri.replace("postgres:@/", "postgres@/", 1)


@pytest.fixture
def pgvector_url(pgvector_server: Any) -> Iterator[str]:
    name = f"carethread_vec_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        "postgresql+psycopg://" + sqlalchemy_url(pgvector_server.get_uri()).split("://", 1)[1],
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield sqlalchemy_url(pgvector_server.get_uri(name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
