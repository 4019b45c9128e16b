"""Polling a stream: the checkpoint moves only with the posts it covers, failures pause or
skip one stream, never the others (in-memory network, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.networks.base import Author, NetworkError
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


def test_a_failure_is_recorded_once_per_run_with_whether_it_passes_by_itself(factory) -> None:
    network = FakeNetwork()
    network.customer_posts("ana", "hello")
    network.fetch_faults = ["refuse", "refuse"]
    poll_network(factory, network, backfill=BACKFILL)
    first = checkpoint(factory)
    poll_network(factory, network, backfill=BACKFILL)
    again = checkpoint(factory)
    assert first.last_error == "Fakebook revoked the brand's token"
    assert first.last_error_retryable is False and first.failing_since is not None
    # The same run of failures: it started once, so an admin notice built on it is sent once.
    assert again.failing_since == first.failing_since
    network.fetch_faults = ["unavailable"]
    poll_network(factory, network, backfill=BACKFILL)
    outage = checkpoint(factory)
    assert outage.last_error_retryable is True and outage.failing_since == first.failing_since
    (recovered,) = poll_network(factory, network, backfill=BACKFILL)
    done = checkpoint(factory)
    assert recovered.stored == 1
    assert (done.last_error, done.last_error_retryable, done.failing_since) == (None, None, None)


def test_a_rate_limit_is_not_a_failure_run(factory) -> None:
    network = FakeNetwork()
    network.fetch_faults = ["rate_limit"]
    poll_network(factory, network, backfill=BACKFILL)
    limited = checkpoint(factory)
    assert limited.paused_until is not None and limited.last_error_retryable is True
    assert limited.failing_since is None


def test_what_a_malformed_answer_still_held_is_stored_before_the_error(factory) -> None:
    network = FakeNetwork()
    network.customer_posts("ana", "hello")
    network.fetch_faults = ["malformed"]
    (outcome,) = poll_network(factory, network, backfill=BACKFILL)
    assert outcome.stored == 1 and outcome.error == "Fakebook's answer is malformed"
    state = checkpoint(factory)
    assert state.cursor == "seen:1" and state.last_error_retryable is False
    assert state.failing_since is not None and state.last_success_at is None
    (again,) = poll_network(factory, network, backfill=BACKFILL)
    assert again.stored == 0 and count(factory, Post) == 1  # nothing imported twice


def test_posts_that_come_with_a_pause_are_stored_and_the_stream_waits(factory) -> None:
    network = FakeNetwork()
    network.customer_posts("ana", "hello")
    pause = utcnow() + timedelta(minutes=3)
    network.pause_after_fetch = pause
    (outcome,) = poll_network(factory, network, backfill=BACKFILL)
    assert outcome.stored == 1 and outcome.skipped_until == pause
    assert checkpoint(factory).paused_until == pause
    network.customer_posts("bea", "hello too")
    (waiting,) = poll_network(factory, network, backfill=BACKFILL)
    assert waiting.stored == 0 and waiting.skipped_until is not None
    assert count(factory, Post) == 1


def test_a_network_that_cannot_say_who_the_brand_is_records_it_on_each_stream(factory) -> None:
    class Locked(FakeNetwork):
        def whoami(self) -> Author:
            raise NetworkError("Fakebook rejected our credentials", retryable=False)

    (outcome,) = poll_network(factory, Locked(), backfill=BACKFILL)
    state = checkpoint(factory)
    assert outcome.error == state.last_error == "Fakebook rejected our credentials"
    assert state.stream == "inbox" and state.last_error_retryable is False
