"""Poll one stream of one network: fetch since the checkpoint, store, then move the checkpoint.

The checkpoint moves in the same transaction that stores the posts, so a crash or
an error never skips a post. A rate limit pauses the stream until the network's reset
time; nothing here sleeps. One stream's failure never keeps the others from polling.

A failure is recorded on the stream's checkpoint for the admins (listening health, in
`bot/sla/health.py`): the error in words (`last_error`), whether it passes by itself
(`last_error_retryable`), how many polls in a row failed (`failures`) and when the run
began (`failing_since`); a successful poll clears them. A rate limit is the network pacing
us, not a failure: it pauses the stream and starts no run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import RouteFn, TriageFn, ingest_posts, upsert_brand
from bot.knowledge.embeddings import EmbedFn
from bot.metrics.cost import read_kind
from bot.metrics.usage import record_usage
from bot.networks.base import Network, NetworkError, Page, ProgressCallback, RateLimited, Stream
from bot.observability.prometheus import POSTS_INGESTED
from storage.db import session_scope
from storage.models import BrandAccount, PollCheckpoint, utcnow

log = logging.getLogger(__name__)

# Opens a progress display for a first-start backfill of the named stream.
ProgressFactory = Callable[[str], AbstractContextManager[ProgressCallback]]


@dataclass(frozen=True)
class PollOutcome:
    stream: str
    stored: int = 0
    skipped_until: datetime | None = None
    error: str | None = None


def poll_network(
    factory: sessionmaker[Session],
    network: Network,
    *,
    backfill: timedelta,
    triage: TriageFn | None = None,
    progress_factory: ProgressFactory | None = None,
    route: RouteFn | None = None,
    embed: EmbedFn | None = None,
) -> list[PollOutcome]:
    """Poll every stream of `network` once."""
    try:
        me = network.whoami()
    except NetworkError as exc:
        log.warning("Cannot poll %s yet: %s", network.name, exc.reason)
        # Every stream is stopped by it (revoked credentials, say): each one says so.
        for stream in network.streams():
            _record_failure(factory, network.name, stream.name, exc)
        return [PollOutcome(stream="whoami", error=exc.reason)]
    with session_scope(factory) as session:
        brand_id = upsert_brand(session, network.name, me).id
    return [
        poll_stream(
            factory,
            network.name,
            stream,
            brand_id,
            backfill=backfill,
            triage=triage,
            progress_factory=progress_factory,
            route=route,
            embed=embed,
        )
        for stream in network.streams()
    ]


def poll_stream(
    factory: sessionmaker[Session],
    network_name: str,
    stream: Stream,
    brand_id: int,
    *,
    backfill: timedelta,
    triage: TriageFn | None = None,
    progress_factory: ProgressFactory | None = None,
    route: RouteFn | None = None,
    embed: EmbedFn | None = None,
) -> PollOutcome:
    """Fetch one stream since its checkpoint, store what is new, move the checkpoint."""
    now = utcnow()
    name = stream.name
    with session_scope(factory) as session:
        checkpoint = _checkpoint(session, network_name, name)
        if checkpoint.paused_until and checkpoint.paused_until > now:
            return PollOutcome(name, skipped_until=checkpoint.paused_until)
        cursor = checkpoint.cursor
    # First start: only the last `backfill` of history, with a progress bar.
    start_time = None if cursor else now - backfill
    display = progress_factory(name) if progress_factory and cursor is None else nullcontext()
    try:
        with display as progress:
            page = stream.fetch(cursor, start_time, progress)
    except RateLimited as exc:
        _record_failure(factory, network_name, name, exc, paused_until=exc.until)
        log.warning("%s %s: %s", network_name, name, exc.reason)
        return PollOutcome(name, skipped_until=exc.until, error=exc.reason)
    except NetworkError as exc:
        salvaged = 0
        if exc.salvaged is not None:
            # What could still be read (a malformed feed's entries) is stored and the
            # checkpoint moves past it; then the error is recorded like any other.
            salvaged = _store(
                factory, network_name, name, brand_id, exc.salvaged, triage, route, embed, now
            )
        _record_failure(factory, network_name, name, exc)
        log.warning("%s %s: %s", network_name, name, exc.reason)
        return PollOutcome(name, stored=salvaged, error=exc.reason)
    stored = _store(
        factory, network_name, name, brand_id, page, triage, route, embed, now, succeeded=True
    )
    return PollOutcome(name, stored=stored, skipped_until=page.pause_until)


def _store(
    factory: sessionmaker[Session],
    network_name: str,
    stream: str,
    brand_id: int,
    page: Page,
    triage: TriageFn | None,
    route: RouteFn | None,
    embed: EmbedFn | None,
    now: datetime,
    *,
    succeeded: bool = False,
) -> int:
    """Ingest a page and move the checkpoint in one transaction; returns how many posts
    were new. A page read despite an error (`succeeded=False`) leaves the error state."""
    with session_scope(factory) as session:
        brand = session.get_one(BrandAccount, brand_id)
        stored = ingest_posts(session, brand, page.posts, triage, route=route, embed=embed)
        # Networks bill per item read (X does): counted with what it covers.
        record_usage(session, network_name, read_kind(stream), len(page.posts), now)
        checkpoint = _checkpoint(session, network_name, stream)
        # The cursor is the network's business: it returns one only to move forward.
        if page.cursor:
            checkpoint.cursor = page.cursor
        # Posts and a pause can come together (the page that used the window's last
        # request): the posts are stored, and the stream waits until the reset.
        checkpoint.paused_until = page.pause_until
        if succeeded:
            checkpoint.last_success_at = now
            checkpoint.last_error = None
            checkpoint.last_error_retryable = None
            checkpoint.failures, checkpoint.failing_since = 0, None
    POSTS_INGESTED.labels(network_name).inc(len(stored))
    if stored:
        log.info("%s %s: %d new post(s)", network_name, stream, len(stored))
    return len(stored)


def _checkpoint(session: Session, network: str, stream: str) -> PollCheckpoint:
    checkpoint = session.scalar(
        select(PollCheckpoint).where(
            PollCheckpoint.network == network, PollCheckpoint.stream == stream
        )
    )
    if checkpoint is None:
        checkpoint = PollCheckpoint(network=network, stream=stream)
        session.add(checkpoint)
        session.flush()
    return checkpoint


def _record_failure(
    factory: sessionmaker[Session],
    network: str,
    stream: str,
    error: NetworkError,
    paused_until: datetime | None = None,
) -> None:
    with session_scope(factory) as session:
        checkpoint = _checkpoint(session, network, stream)
        checkpoint.last_error = error.reason[:500]
        checkpoint.last_error_retryable = error.retryable
        checkpoint.paused_until = paused_until
        # A rate limit is the network pacing us, not a failure: it starts no run.
        if not isinstance(error, RateLimited):
            checkpoint.failures = (checkpoint.failures or 0) + 1
            checkpoint.failing_since = checkpoint.failing_since or utcnow()
