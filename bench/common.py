"""What the benchmark scripts share: a throwaway database on either backend."""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

# Benchmarks run as plain scripts from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def database_url(kind: str) -> tuple[str, Callable[[], None]]:
    """A fresh database URL of `kind` ("sqlite" or "postgresql") and a function dropping it."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="carethread-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    name = f"carethread_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def kept_database_url(kind: str, name: str) -> tuple[str, bool]:
    """The URL of a database kept between runs under `name` (a PostgreSQL database name, or
    a SQLite file path) and whether it existed already; it is created when missing."""
    if kind == "sqlite":
        path = Path(name).expanduser().resolve()
        return f"sqlite:///{path}", path.exists()
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        found = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        existed = found.scalar() is not None
        if not existed:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", existed
