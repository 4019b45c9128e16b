"""The stored vectors in memory, for the scan (SQLite, or PostgreSQL without pgvector).

Reading 100,000 vectors from SQLite costs about half a second, more than the lookup may
take; so each process keeps what it read and on each lookup reads only what is new:
  - the int8 codes and scales (516 bytes a post), for exact scores, and
  - a 128-number random projection of each vector as float32 (512 bytes a post), for a
    fast first pass: the nearest COARSE_CANDIDATES posts by the projection are scored
    exactly and the best kept (bench/similar_bench.py measures that this finds the same
    top posts as scoring everything).
About 100 MB for 100,000 posts. Embeddings are only ever added, so "what is new" is the rows
past the highest post id seen; the full count is compared now and then, and a count that
does not add up (an older post embedded late by `embed_missing`) reloads everything once.
Past MAX_CACHED vectors only the newest MAX_CACHED are kept and searched (about 400 MB): the
recent past, where most similar cases are. A deployment that large belongs on PostgreSQL
with pgvector, which searches everything (docs/similar-cases.md has both measured).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.knowledge.embeddings import MODEL_NAME, Vectors, unpack
from storage.models import PostEmbedding
from storage.vectors import DIMENSION

MAX_CACHED = 400_000
PROJECTED = 128
COARSE_CANDIDATES = 3000
RECOUNT_SECONDS = 600.0
_CHUNK = 20_000
# A fixed projection (the same in every process and run): Gaussian, scaled so that inner
# products are preserved on average.
_PROJECTION = (
    np.random.default_rng(20261207).standard_normal((DIMENSION, PROJECTED)) / np.sqrt(PROJECTED)
).astype(np.float32)


class VectorCache:
    """Post ids, int8 codes, scales and projections of every stored vector of a database."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._reset()

    def __len__(self) -> int:
        return len(self.post_ids)

    def _reset(self) -> None:
        self.post_ids = np.zeros(0, dtype=np.int64)
        self.codes = np.zeros((0, DIMENSION), dtype=np.int8)
        self.scales = np.zeros(0, dtype=np.float32)
        self.coarse = np.zeros((0, PROJECTED), dtype=np.float32)
        self.counted_at = 0.0

    def refresh(self, session: Session) -> None:
        """Read what is new (keeping only the newest MAX_CACHED vectors)."""
        with self.lock:
            now = time.monotonic()
            if now - self.counted_at > RECOUNT_SECONDS:
                total = session.scalar(
                    select(func.count(PostEmbedding.post_id)).where(
                        PostEmbedding.model == MODEL_NAME
                    )
                )
                if min(total or 0, MAX_CACHED) != len(self):
                    self._reset()
                self.counted_at = now
            if len(self):
                since = int(self.post_ids[-1])
            else:  # the start of the newest MAX_CACHED, or everything
                since = (
                    session.scalar(
                        select(PostEmbedding.post_id)
                        .where(PostEmbedding.model == MODEL_NAME)
                        .order_by(PostEmbedding.post_id.desc())
                        .offset(MAX_CACHED)
                        .limit(1)
                    )
                    or 0
                )
            rows = session.execute(
                select(PostEmbedding.post_id, PostEmbedding.vector)
                .where(PostEmbedding.model == MODEL_NAME, PostEmbedding.post_id > since)
                .order_by(PostEmbedding.post_id)
            ).all()
            if not rows:
                return
            codes, scales = unpack([r[1] for r in rows])
            coarse = np.concatenate(
                [
                    (codes[i : i + _CHUNK].astype(np.float32) * scales[i : i + _CHUNK, None])
                    @ _PROJECTION
                    for i in range(0, len(codes), _CHUNK)
                ]
            )
            keep = -MAX_CACHED  # the oldest fall out of the window
            self.post_ids = np.concatenate([self.post_ids, [r[0] for r in rows]]).astype(np.int64)[
                keep:
            ]
            self.codes = np.concatenate([self.codes, codes])[keep:]
            self.scales = np.concatenate([self.scales, scales])[keep:]
            self.coarse = np.concatenate([self.coarse, coarse]).astype(np.float32)[keep:]

    def nearest(
        self, query: Vectors, k: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """The `k` post ids whose vectors are nearest `query`, best first, with their exact
        scores (cosine similarity)."""
        with self.lock:
            post_ids, codes, scales, coarse = self.post_ids, self.codes, self.scales, self.coarse
        if not len(post_ids):
            return post_ids, np.zeros(0, dtype=np.float32)
        pool = max(k, COARSE_CANDIDATES)
        if pool < len(post_ids):
            rough = coarse @ (query @ _PROJECTION)
            candidates = np.argpartition(-rough, pool - 1)[:pool]
        else:
            candidates = np.arange(len(post_ids))
        exact = (codes[candidates].astype(np.float32) @ query) * scales[candidates]
        k = min(k, len(candidates))
        best = np.argpartition(-exact, k - 1)[:k]
        best = best[np.argsort(-exact[best])]
        return post_ids[candidates[best]], exact[best].astype(np.float32)


_caches: dict[str, VectorCache] = {}
_caches_lock = threading.Lock()


def cache_for(session: Session) -> VectorCache:
    """The cache of the database `session` talks to (one per database URL and process)."""
    key = str(session.get_bind().engine.url)
    with _caches_lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = VectorCache()
        return cache
