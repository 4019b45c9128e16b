"""Exactly one active worker: a lease row in the database, with a fencing epoch.

The worker's duties (polling, publishing to Slack, deadlines, reports, listening health,
settling interrupted sends) run only in the process holding the `worker` lease. Any
number of processes may try; the database decides, with one conditional UPDATE per
attempt, so it works on SQLite and on PostgreSQL, also through a transaction pooler
(no advisory locks, no session state).

- **Acquire**: `UPDATE lease SET holder = me, epoch = epoch + 1, expires_at = now + ttl
  WHERE name = … AND epoch = <seen> AND (holder IS NULL OR expires_at < now OR <the holder
  is known dead>)`. The epoch grows at every change of holder.
- **Renew**: every third of the lease, `… SET expires_at = now + ttl WHERE holder = me AND
  epoch = mine`. A renewal fails once someone else took over.
- **Held**: only until the last successful renewal's local start plus the lease, minus a
  margin, so a leader cut off from the database stops before anyone can take over.
- **Fence**: an irreversible write (claiming a Slack post or an X send) checks, in its
  own transaction, that the row still names this holder and epoch, and locks the row
  against a takeover until that transaction ends (`FOR SHARE` on PostgreSQL; SQLite
  serialises writers). A stale leader's claim is refused.
- **Release**: on a clean stop the row is freed at once; a standby takes over on its next
  look. A holder the process registry knows is dead (`kill -9` on this machine) is
  replaced at once too; otherwise the lease runs out after `ttl` seconds.
- **Margin**: a call that cannot be fenced once started (a Slack post) is claimed only
  while the lease has at least `margin` seconds left, the call's timeout: whatever the
  old holder started has ended before a standby can take over an expired lease, so the
  standby's look for its result is final. (With a lease shorter than twice the margin
  the margin is half the lease: keep WORKER_LEASE_SECONDS ≥ 12 across machines.)

Times are the database's clock (`bot.registry.db_now`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.registry import db_now, read_db_clock
from storage.db import session_scope
from storage.models import Lease as LeaseRow

log = logging.getLogger(__name__)

WORKER_LEASE = "worker"
# Stop counting the lease as held this long before it runs out on the database.
SAFETY_SECONDS = 0.5

IsDead = Callable[[Session, str | None], bool]


class Lease:
    """One process's side of a lease: `held()`, `fence(session)`, and a keeper thread.

    Listeners (`on_acquired(epoch)`, `on_lost()`, given here or added with `listen`) are
    called from the keeper thread (or `tick()`) when this process becomes the holder and
    when it stops being it: a publishing loop can wake and pause with them, and ask
    `held()` before each piece of work. A listener must return quickly and not raise.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        holder: str,
        ttl: float,
        *,
        name: str = WORKER_LEASE,
        is_dead: IsDead | None = None,
        on_acquired: Callable[[int], object] | None = None,
        on_lost: Callable[[], object] | None = None,
    ):
        self.factory = factory
        self.holder = holder
        self.ttl = float(ttl)
        self.name = name
        self.is_dead = is_dead
        self._acquired: list[Callable[[int], object]] = [on_acquired] if on_acquired else []
        self._lost: list[Callable[[], object]] = [on_lost] if on_lost else []
        self._lock = threading.Lock()
        self._epoch: int | None = None
        # Local monotonic time until which the lease counts as held.
        self._held_until = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._row_exists = False

    def listen(
        self,
        on_acquired: Callable[[int], object] | None = None,
        on_lost: Callable[[], object] | None = None,
    ) -> None:
        """Be told when this process becomes the holder (with the epoch) and stops being it."""
        if on_acquired:
            self._acquired.append(on_acquired)
        if on_lost:
            self._lost.append(on_lost)

    # -- what the duties ask ----------------------------------------------------------
    def held(self) -> bool:
        """Whether this process is the holder right now (by its own, conservative clock)."""
        with self._lock:
            now = time.monotonic()
            return self._epoch is not None and now < self._held_until

    @property
    def epoch(self) -> int | None:
        with self._lock:
            return self._epoch

    def fence(self, session: Session, margin: float = 0.0) -> bool:
        """In the caller's transaction: is this process still the holder, with at least
        `margin` seconds of lease left (at most half the lease)? Locks the lease row
        against a takeover until the transaction ends (PostgreSQL)."""
        epoch = self.epoch
        if epoch is None or not self.held():
            return False
        found = session.execute(
            select(LeaseRow.epoch)
            .where(
                LeaseRow.name == self.name,
                LeaseRow.holder == self.holder,
                LeaseRow.epoch == epoch,
                LeaseRow.expires_at > db_now(session) + min(margin, self.ttl / 2),
            )
            .with_for_update(read=True)
        ).first()
        return found is not None

    # -- one round -------------------------------------------------------------------------
    def tick(self) -> bool:
        """Renew the lease if ours, else try to take it; returns whether it is held now.
        Calls `on_acquired` / `on_lost` on a change."""
        was = self.epoch
        started = time.monotonic()
        try:
            epoch = self._renew_or_acquire()
            renewed = epoch is not None
        except Exception as exc:  # the database is away: not held once the time is up
            log.warning("Worker lease: could not reach the database (%s)", exc)
            epoch, renewed = (was if self.held() else None), False
        if renewed:
            with self._lock:
                self._epoch = epoch
                self._held_until = started + self.ttl - SAFETY_SECONDS
        elif epoch is None:
            with self._lock:
                self._epoch = None
                self._held_until = 0.0
        if epoch is not None and epoch != was:
            log.info("Worker lease acquired (epoch %s): this process runs the worker", epoch)
            for acquired in self._acquired:
                _tell(acquired, epoch)
        elif was is not None and epoch is None:
            log.warning("Worker lease lost: this process stops the worker's duties")
            for lost in self._lost:
                _tell(lost)
        return self.held()

    def _renew_or_acquire(self) -> int | None:
        """The epoch when this process holds the lease after this round, else None."""
        self._ensure_row()
        mine = self.epoch
        with session_scope(self.factory) as session:
            now = db_now(session)
            if mine is not None:
                renewed = _rowcount(
                    session.execute(
                        update(LeaseRow)
                        .where(
                            LeaseRow.name == self.name,
                            LeaseRow.holder == self.holder,
                            LeaseRow.epoch == mine,
                        )
                        .values(expires_at=now + self.ttl)
                        .execution_options(synchronize_session=False)
                    )
                )
                if renewed:
                    return mine
            row = session.execute(
                select(LeaseRow.holder, LeaseRow.epoch, LeaseRow.expires_at).where(
                    LeaseRow.name == self.name
                )
            ).one()
            holder, seen, expires_at = row
            clock = read_db_clock(session)
            dead = bool(holder) and self.is_dead is not None and self.is_dead(session, holder)
            if holder and not dead and expires_at >= clock:
                return None
            taken = _rowcount(
                session.execute(
                    update(LeaseRow)
                    .where(
                        LeaseRow.name == self.name,
                        LeaseRow.epoch == seen,
                        or_(
                            LeaseRow.holder.is_(None),
                            LeaseRow.expires_at < now,
                            LeaseRow.holder == (holder if dead else None),
                        ),
                    )
                    .values(
                        holder=self.holder,
                        epoch=seen + 1,
                        expires_at=now + self.ttl,
                        acquired_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
            )
            if not taken:
                return None
            if holder:
                why = "its holder is known dead" if dead else "its holder let it run out"
                log.info("Taking over the worker lease: %s (%s)", why, holder)
            return int(seen) + 1

    def _ensure_row(self) -> None:
        if self._row_exists:
            return
        with session_scope(self.factory) as session:
            found = session.get(LeaseRow, self.name) is not None
        if not found:
            try:
                with session_scope(self.factory) as session:
                    session.add(LeaseRow(name=self.name, holder=None, epoch=0, expires_at=0.0))
            except IntegrityError:
                pass  # another process created it first
        self._row_exists = True

    def release(self) -> None:
        """Give the lease up now (a clean stop), so a standby need not wait it out."""
        epoch = self.epoch
        with self._lock:
            self._epoch = None
            self._held_until = 0.0
        if epoch is None:
            return
        try:
            with session_scope(self.factory) as session:
                session.execute(
                    update(LeaseRow)
                    .where(
                        LeaseRow.name == self.name,
                        LeaseRow.holder == self.holder,
                        LeaseRow.epoch == epoch,
                    )
                    .values(holder=None, expires_at=0.0)
                    .execution_options(synchronize_session=False)
                )
            log.info("Worker lease released")
        except Exception as exc:  # it runs out by itself
            log.warning("Could not release the worker lease (%s); it runs out by itself", exc)

    # -- the keeper thread -------------------------------------------------------------
    def start(self) -> None:
        """Try once now (so a starting process knows at once), then keep trying/renewing."""
        self.tick()
        self._thread = threading.Thread(target=self._keep, name="worker-lease", daemon=True)
        self._thread.start()

    def _keep(self) -> None:
        while not self._stop.wait(self._next_wait()):
            self.tick()

    def _next_wait(self) -> float:
        """Renew every third of the lease; a standby looks several times per lease."""
        if self.epoch is not None:
            return self.ttl / 3
        return max(0.2, min(1.0, self.ttl / 5))

    def stop(self, *, release: bool) -> None:
        """Stop the keeper; `release`: every duty has stopped, so give the lease up now."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if release:
            self.release()
        else:
            with self._lock:
                self._epoch = None
                self._held_until = 0.0


def _tell(listener: Callable[..., object], *args: object) -> None:
    try:
        listener(*args)
    except Exception:  # a listener's bug must not stop the lease from being kept
        log.exception("A worker lease listener failed")


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
