"""Which Carethread processes run: one `bot_process` row each, with a heartbeat.

A claim (an X send in progress, the worker lease) names the process that made it. When
that process is known to be dead, its claim can be taken over at once instead of after
a timeout: a restart after `kill -9` catches up in seconds, not minutes.

"Known dead" is strict, because taking over a live process's send would post twice:
- it stopped cleanly (`stopped_at`, written only after all its work finished); or
- it ran on this very machine and kernel (same host name, boot and PID namespace) and its
  PID no longer runs (or is a zombie); or
- its heartbeat is older than `STALE_SECONDS`, long past any network call's timeout, so
  nothing it started can still be in flight.
An unknown process id (a claim made before the registry existed) is never known dead.

Times are the database's clock (`db_now`), never the machines'.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from pathlib import Path

from sqlalchemy import ColumnElement, Float, delete, literal_column, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import cast

from storage.db import session_scope
from storage.models import BotProcess

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
# Longer than any network call may take (clients time out after 25 s at most) plus many
# missed heartbeats: a process silent this long has nothing in flight.
STALE_SECONDS = 60.0
# Rows of processes silent this long are removed when a process starts.
FORGET_SECONDS = 7 * 24 * 3600.0


def db_now(session: Session) -> ColumnElement[float]:
    """Now on the database's clock, as seconds since the epoch (a SQL expression)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(literal_column("extract(epoch from clock_timestamp())"), Float)
    # julianday('now') has millisecond precision; 2440587.5 is the Unix epoch's day.
    return cast(literal_column("(julianday('now') - 2440587.5) * 86400.0"), Float)


def read_db_clock(session: Session) -> float:
    return float(session.scalar(select(db_now(session))) or 0.0)


def machine() -> str:
    """This machine and PID namespace: PIDs are comparable only between processes that
    share all three (containers on one host have their own PID namespaces)."""
    parts = [socket.gethostname()]
    boot = Path("/proc/sys/kernel/random/boot_id")
    try:
        parts.append(boot.read_text().strip()[:8])
        parts.append(os.readlink("/proc/self/ns/pid").strip("pid:[]"))
    except OSError:
        parts.append("no-proc")  # no PID checks without /proc (see `_pid_gone`)
    return "/".join(parts)[:255]


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's live process
    try:
        # A killed child its parent has not reaped yet still answers signal 0.
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


class ProcessRegistry:
    """This process's row: registered at start, a heartbeat while it runs, marked stopped
    when it stopped cleanly."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        role: str,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ):
        self.factory = factory
        self.role = role
        self.heartbeat_seconds = heartbeat_seconds
        self.host = machine()
        self.pid = os.getpid()
        self.id = f"{socket.gethostname()[:60]}:{self.pid}:{uuid.uuid4().hex[:12]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self) -> None:
        """Add this process; rows of processes silent for `FORGET_SECONDS` go (a claim that
        old was settled long ago: after the send lease at the latest)."""
        with session_scope(self.factory) as session:
            now = read_db_clock(session)
            session.execute(
                delete(BotProcess).where(BotProcess.heartbeat_at < now - FORGET_SECONDS)
            )
            session.add(
                BotProcess(
                    id=self.id,
                    role=self.role,
                    host=self.host,
                    pid=self.pid,
                    started_at=now,
                    heartbeat_at=now,
                )
            )

    def start(self) -> None:
        """Register, then beat in a thread of its own."""
        self.register()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_seconds):
            try:
                self.heartbeat()
            except Exception as exc:  # the database may be away for a while; keep beating
                log.warning("Heartbeat not recorded: %s", exc)

    def heartbeat(self) -> None:
        with session_scope(self.factory) as session:
            session.execute(
                update(BotProcess)
                .where(BotProcess.id == self.id)
                .values(heartbeat_at=db_now(session))
            )

    def stop(self, *, finished: bool) -> None:
        """Stop beating; `finished`: every piece of work this process started is done, so
        others may take its claims at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if not finished:
            return
        try:
            with session_scope(self.factory) as session:
                session.execute(
                    update(BotProcess)
                    .where(BotProcess.id == self.id)
                    .values(stopped_at=db_now(session))
                )
        except Exception as exc:  # stopping anyway: the heartbeat goes stale instead
            log.warning("Could not record this process as stopped: %s", exc)

    def is_dead(self, session: Session, process_id: str | None) -> bool:
        """Whether `process_id` is known to be dead (see the module's rules)."""
        if not process_id or process_id == self.id:
            return False
        row = session.get(BotProcess, process_id)
        if row is None:
            return False
        if row.stopped_at is not None:
            return True
        if row.host == self.host and not row.host.endswith("no-proc") and _pid_gone(row.pid):
            return True
        return read_db_clock(session) - row.heartbeat_at > STALE_SECONDS
