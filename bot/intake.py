"""Posts a network pushed (webhooks), stored exactly as a poll stores them, off the request
thread.

A webhook handler answers the network at once and `submit`s the rest: a piece of work
that returns the posts (after whatever reading the payload left out). One worker thread
runs the work in order, then stores the posts with the poll's own steps
(`upsert_brand`, `ingest_posts` with triage). In this process it waits for a running poll
cycle and a cycle waits for it (`Cycle.guard`). Across processes nothing is locked:
storing is idempotent — the store's unique key keeps a post delivered by webhook while
the poll fetches it too one post (a concurrent insert of the same post is skipped in its
savepoint). Publishing to Slack is the active worker's alone: here only when this process
holds the worker lease (`may_publish`); otherwise (a web process, a standby) the worker's
next publishing round takes the stored posts.

The queue is in memory: work queued when the process stops is not lost for good, because
the polls read the same posts (the catch-up after downtime).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from itertools import groupby

from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import RouteFn, TriageFn, ingest_posts, upsert_brand
from bot.knowledge.embeddings import EmbedFn
from bot.networks.base import FetchedPost, NetworkError
from bot.networks.registry import NetworkNotConfigured, Networks, PushedWork
from storage.db import session_scope

log = logging.getLogger(__name__)

# Deliveries waiting at most; beyond it a burst is dropped (the polls catch it up).
QUEUE_SIZE = 1000
# Deliveries stored together at most, when a burst queued up.
BATCH_SIZE = 100


class WebhookIntake:
    """One worker thread that runs submitted work and stores the posts it returns."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        networks: Networks,
        publish: Callable[[threading.Event], object],
        guard: threading.Lock,
        triage: TriageFn | None = None,
        route: RouteFn | None = None,
        embed: EmbedFn | None = None,
        may_publish: Callable[[], bool] | None = None,
    ):
        self.factory = factory
        self.networks = networks
        self.publish = publish
        # The poll cycle's own in-process lock (`Cycle.guard`): wait for a running cycle.
        self.guard = guard
        self.triage = triage
        # Routing decides new cases' channels exactly as for polled posts.
        self.route = route
        self.embed = embed
        # Whether this process is the active worker (`Lease.held`); None: always.
        self.may_publish = may_publish
        self.stop_event = threading.Event()
        self._queue: queue.Queue[PushedWork] = queue.Queue(maxsize=QUEUE_SIZE)
        self._thread = threading.Thread(target=self._run, name="webhook-intake", daemon=True)

    # -- the request thread's side ------------------------------------------------------
    def submit(self, work: PushedWork) -> None:
        """Queue `work`; returns at once (the network is waiting for its answer)."""
        try:
            self._queue.put_nowait(work)
        except queue.Full:
            log.warning(
                "Webhook queue full (%d waiting): dropped one; polling catches up", QUEUE_SIZE
            )

    # -- the worker ----------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the running piece of work (bounded by `timeout`); the rest is left to
        the polls."""
        self.stop_event.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                batch = [self._queue.get(timeout=0.2)]
            except queue.Empty:
                continue
            # What queued meanwhile goes in the same store-and-publish: a burst of
            # deliveries costs one transaction and one publishing pass, not one each.
            while len(batch) < BATCH_SIZE:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            posts: list[FetchedPost] = []
            for work in batch:
                try:
                    posts += work()
                except Exception:  # one bad delivery must not stop the ones after it
                    log.exception("A webhook delivery could not be read; polling catches up")
            try:
                self.take(posts)
            except Exception:
                log.exception("Webhook posts could not be stored; polling catches up")

    def take(self, posts: list[FetchedPost]) -> int:
        """Store `posts` as a poll would, then publish them if this process is the active
        worker; returns how many were new."""
        if not posts:
            return 0
        with self.guard:
            stored = self._store(posts)
            if stored and (self.may_publish is None or self.may_publish()):
                self.publish(self.stop_event)
        return stored

    def _store(self, posts: list[FetchedPost]) -> int:
        stored = 0
        by_network = groupby(sorted(posts, key=lambda p: p.network), key=lambda p: p.network)
        for name, batch in by_network:
            try:
                me = self.networks[name].whoami()
            except (NetworkNotConfigured, NetworkError) as exc:
                log.warning(
                    "Webhook posts for %s not stored now (%s); polling catches up", name, exc
                )
                continue
            with session_scope(self.factory) as session:
                brand = upsert_brand(session, name, me)
                new = ingest_posts(
                    session, brand, list(batch), self.triage, route=self.route, embed=self.embed
                )
            if new:
                log.info("%s webhook: %d new post(s)", name, len(new))
            stored += len(new)
        return stored
