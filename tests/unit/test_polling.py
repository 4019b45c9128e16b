"""Polling a stream: the checkpoint moves only with the posts it covers, failures pause or
skip one stream, never the others (in-memory network, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.polling import poll_network
from storage.db import session_scope
from storage.models import Case, PollCheckpoint, Post, utcnow
from tests.fake_network import FakeNetwork

BACKFILL = timedelta(hours=24)


def count(factory, model) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def checkpoint(factory, network: str = "fake") -> PollCheckpoint:
    with session_scope(factory) as session:
        return session.scalars(
            select(PollCheckpoint).where(PollCheckpoint.network == network)
        ).one()


def test_new_posts_are_stored_once_and_the_cursor_moves(factory) -> None:
    network = FakeNetwork()
    for handle in ("ana", "bea", "ciro"):
        network.customer_posts(handle, f"{handle} has a problem")
    (outcome,) = poll_network(factory, network, backfill=BACKFILL)
    assert outcome.stored == 3 and outcome.error is None
    assert checkpoint(factory).cursor == "seen:3"
    (again,) = poll_network(factory, network, backfill=BACKFILL)
    assert again.stored == 0 and checkpoint(factory).cursor == "seen:3"
    network.customer_posts("ana", "still waiting", conversation="thread:ana:1")
    poll_network(factory, network, backfill=BACKFILL)
    assert count(factory, Post) == 4 and count(factory, Case) == 3


def test_a_failed_fetch_keeps_the_checkpoint_and_loses_nothing(factory) -> None:
    network = FakeNetwork()
    network.customer_posts("ana", "hello")
    poll_network(factory, network, backfill=BACKFILL)
    network.customer_posts("bea", "hello too")
    network.fetch_faults = ["unavailable"]
    (failed,) = poll_network(factory, network, backfill=BACKFILL)
    assert failed.error == "Fakebook is down"
    assert checkpoint(factory).cursor == "seen:1"
    assert checkpoint(factory).last_error == "Fakebook is down"
    (recovered,) = poll_network(factory, network, backfill=BACKFILL)
    assert recovered.stored == 1 and checkpoint(factory).last_error is None


def test_a_rate_limit_pauses_that_stream_until_the_reset(factory) -> None:
    network = FakeNetwork()
    network.customer_posts("ana", "hello")
    network.fetch_faults = ["rate_limit"]
    (limited,) = poll_network(factory, network, backfill=BACKFILL)
    assert limited.skipped_until is not None and limited.skipped_until > utcnow()
    network.fetch_faults = []
    (skipped,) = poll_network(factory, network, backfill=BACKFILL)
    assert skipped.stored == 0 and skipped.skipped_until == limited.skipped_until
    assert count(factory, Post) == 0


def test_one_networks_failure_does_not_stop_another(factory) -> None:
    down, up = FakeNetwork(name="down"), FakeNetwork(name="up")
    down.customer_posts("ana", "hello")
    up.customer_posts("bea", "hello")
    down.fetch_faults = ["unavailable"]
    (failed,) = poll_network(factory, down, backfill=BACKFILL)
    (worked,) = poll_network(factory, up, backfill=BACKFILL)
    assert failed.error and worked.stored == 1
    assert checkpoint(factory, "up").cursor == "seen:1"


def test_the_first_start_imports_only_the_backfill_window(factory) -> None:
    network = FakeNetwork()
    network.customer_posts("old", "from last week", at=utcnow() - timedelta(days=7))
    network.customer_posts("new", "from this morning", at=utcnow() - timedelta(hours=2))
    (outcome,) = poll_network(factory, network, backfill=BACKFILL)
    assert outcome.stored == 1
    with session_scope(factory) as session:
        assert session.scalars(select(Post.text)).all() == ["from this morning"]
