"""Storage behaviour the rest relies on: concurrent writers on SQLite, savepoints."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from storage.db import make_engine, make_session_factory, session_scope, upgrade
from storage.models import BrandAccount


def test_sqlite_writers_wait_their_turn_instead_of_failing(sqlite_url):
    """A poll job that read, then writes, while a Slack click commits a write meanwhile."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        session.add(BrandAccount(network="x", external_id="1", handle="acme"))
    errors: list[Exception] = []
    read_done = threading.Event()

    def slow_reader_then_writer() -> None:
        try:
            # Like ingest: a savepoint per post, reading before writing.
            with session_scope(factory) as session, session.begin_nested():
                brand = session.scalars(select(BrandAccount)).one()
                read_done.set()
                time.sleep(0.3)
                brand.name = "from the poll job"
                session.flush()
        except Exception as exc:  # recorded: the assertion below names it
            errors.append(exc)

    def quick_writer() -> None:
        read_done.wait(5)
        try:
            with session_scope(factory) as session:
                session.add(BrandAccount(network="x", external_id="2", handle="other"))
        except Exception as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=slow_reader_then_writer),
        threading.Thread(target=quick_writer),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    with session_scope(factory) as session:
        names = {b.external_id: b.name for b in session.scalars(select(BrandAccount))}
    assert names == {"1": "from the poll job", "2": ""}
    engine.dispose()


def test_a_failed_savepoint_keeps_the_rest_of_the_transaction(factory):
    with session_scope(factory) as session:
        session.add(BrandAccount(network="x", external_id="1", handle="acme"))
    with session_scope(factory) as session:
        session.add(BrandAccount(network="x", external_id="2", handle="kept"))
        session.flush()
        try:
            with session.begin_nested():
                session.add(BrandAccount(network="x", external_id="1", handle="duplicate"))
        except Exception:
            pass
    with session_scope(factory) as session:
        assert sorted(b.handle for b in session.scalars(select(BrandAccount))) == ["acme", "kept"]
