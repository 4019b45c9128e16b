"""Poll one stream of one network: fetch since the checkpoint, store, then move the checkpoint.

The checkpoint moves in the same transaction that stores the posts, so a crash or
an error never skips a post. A rate limit pauses the stream until the network's reset
time; nothing here sleeps. One stream's failure never keeps the others from polling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import TriageFn, ingest_posts, upsert_brand
from bot.knowledge.embeddings import EmbedFn
from bot.networks.base import Network, NetworkError, ProgressCallback, RateLimited, Stream
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
    embed: EmbedFn | None = None,
) -> list[PollOutcome]:
    """Poll every stream of `network` once."""
    try:
        me = network.whoami()
    except NetworkError as exc:
        log.warning("Cannot poll %s yet: %s", network.name, exc.reason)
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
        _record_failure(factory, network_name, name, exc.reason, paused_until=exc.until)
        log.warning("%s %s: %s", network_name, name, exc.reason)
        return PollOutcome(name, skipped_until=exc.until, error=exc.reason)
    except NetworkError as exc:
        _record_failure(factory, network_name, name, exc.reason)
        log.warning("%s %s: %s", network_name, name, exc.reason)
        return PollOutcome(name, error=exc.reason)
    with session_scope(factory) as session:
        brand = session.get_one(BrandAccount, brand_id)
        stored = ingest_posts(session, brand, page.posts, triage, embed)
        checkpoint = _checkpoint(session, network_name, name)
        # The cursor is the network's business: it returns one only to move forward.
        if page.cursor:
            checkpoint.cursor = page.cursor
        checkpoint.last_success_at = now
        checkpoint.last_error = None
        checkpoint.paused_until = page.pause_until
    if stored:
        log.info("%s %s: %d new post(s)", network_name, name, len(stored))
    return PollOutcome(name, stored=len(stored), skipped_until=page.pause_until)


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
    reason: str,
    paused_until: datetime | None = None,
) -> None:
    with session_scope(factory) as session:
        checkpoint = _checkpoint(session, network, stream)
        checkpoint.last_error = reason[:500]
        checkpoint.paused_until = paused_until
