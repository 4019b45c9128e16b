"""The process registry decides whose claims may be taken over at once: only those of a
process known to be dead. A live process's claim is never taken early."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import update

from bot.registry import STALE_SECONDS, ProcessRegistry, read_db_clock
from storage.db import session_scope
from storage.models import BotProcess


def _dead(registry: ProcessRegistry, process_id: str) -> bool:
    with session_scope(registry.factory) as session:
        return registry.is_dead(session, process_id)


def test_a_running_process_is_not_dead_and_a_cleanly_stopped_one_is(factory):
    me, other = ProcessRegistry(factory, "web"), ProcessRegistry(factory, "worker")
    me.register()
    other.register()
    assert not _dead(me, other.id)  # alive: this very test process
    other.stop(finished=True)
    assert _dead(me, other.id)


def test_a_stop_with_work_still_running_leaves_the_process_alive_in_the_registry(factory):
    me, other = ProcessRegistry(factory, "web"), ProcessRegistry(factory, "worker")
    me.register()
    other.register()
    other.stop(finished=False)
    assert not _dead(me, other.id)


def test_a_killed_process_on_this_machine_is_dead_at_once(factory):
    me = ProcessRegistry(factory, "worker")
    me.register()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = ProcessRegistry(factory, "worker")
    gone.pid, gone.id = child.pid, f"child:{child.pid}"
    gone.register()
    assert not _dead(me, gone.id)
    child.kill()
    child.wait()
    assert _dead(me, gone.id)


def test_a_silent_process_elsewhere_is_dead_only_after_a_long_silence(factory):
    me = ProcessRegistry(factory, "worker")
    me.register()
    far = ProcessRegistry(factory, "worker")
    far.host, far.id = "another-machine/boot/ns", "another-machine:1:abc"
    far.register()
    assert not _dead(me, far.id)
    with session_scope(factory) as session:
        silent_since = read_db_clock(session) - STALE_SECONDS - 1
        session.execute(
            update(BotProcess).where(BotProcess.id == far.id).values(heartbeat_at=silent_since)
        )
    assert _dead(me, far.id)


def test_an_unknown_process_is_never_dead(factory):
    me = ProcessRegistry(factory, "worker")
    me.register()
    assert not _dead(me, "made-before-the-registry")
    assert not _dead(me, None)
    assert not _dead(me, me.id)
