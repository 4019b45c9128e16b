"""The worker lease on SQLite and PostgreSQL: one holder at a time, takeover after expiry or
at once from a holder known dead, and a fence that refuses a stale holder's writes."""

from __future__ import annotations

import time

from bot.lease import Lease
from storage.db import session_scope


def _lease(factory, holder, ttl=2.0, **kwargs) -> Lease:
    return Lease(factory, holder, ttl, **kwargs)


def test_one_holder_at_a_time_and_a_clean_release_hands_over_at_once(factory):
    a, b = _lease(factory, "a"), _lease(factory, "b")
    assert a.tick() and a.epoch == 1
    assert not b.tick() and b.epoch is None
    assert a.tick() and a.epoch == 1  # a renewal keeps the epoch
    a.release()
    assert not a.held()
    assert b.tick() and b.epoch == 2


def test_a_standby_takes_over_when_the_lease_runs_out_and_the_old_holder_stands_down(factory):
    lost = []
    a = _lease(factory, "a", ttl=1.0, on_lost=lambda: lost.append("a"))
    acquired = []
    b = _lease(factory, "b", ttl=1.0, on_acquired=acquired.append)
    assert a.tick()
    assert not b.tick()
    time.sleep(1.1)  # a is gone quiet (no renewal): the lease runs out
    assert not a.held()  # by its own clock it stopped before the lease ran out
    assert b.tick() and acquired == [2]
    assert not a.tick() and lost == ["a"]


def test_a_holder_known_dead_is_replaced_at_once_and_its_writes_are_fenced(factory):
    a = _lease(factory, "a", ttl=30.0)
    b = _lease(factory, "b", ttl=30.0, is_dead=lambda session, holder: holder == "a")
    assert a.tick()
    assert b.tick() and b.epoch == 2
    # a still believes it holds the lease (its clock says so), but the fence says no.
    assert a.held()
    with session_scope(factory) as session:
        assert not a.fence(session)
    with session_scope(factory) as session:
        assert b.fence(session)
    # a's renewal fails: it learns it lost the lease.
    assert not a.tick() and a.epoch is None


def test_the_fence_wants_time_left_on_the_lease(factory):
    a = _lease(factory, "a", ttl=4.0)
    assert a.tick()
    with session_scope(factory) as session:
        assert a.fence(session, margin=1.0)
    time.sleep(2.2)  # under half the lease left: a call with a 2-s timeout must not start
    with session_scope(factory) as session:
        assert not a.fence(session, margin=2.0)
