"""The in-memory vectors of the scan: new rows only, a window past MAX_CACHED, exact scores."""

import numpy as np
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import bot.knowledge.vector_cache as vector_cache
from bot.knowledge.embeddings import MODEL_NAME, encode
from storage.models import Base, PostEmbedding


def _vectors(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, 512)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[PostEmbedding.__table__])
    with Session(engine) as s:
        yield s


def _store(session: Session, first_id: int, vectors: np.ndarray) -> None:
    session.add_all(
        PostEmbedding(post_id=first_id + i, model=MODEL_NAME, vector=encode(v))
        for i, v in enumerate(vectors)
    )
    session.flush()


def test_the_nearest_posts_come_first_with_exact_scores(session) -> None:
    vectors = _vectors(5000, 1)
    _store(session, 1, vectors)
    cache = vector_cache.VectorCache()
    cache.refresh(session)
    ids, scores = cache.nearest(vectors[41], 5)
    exact = vectors @ vectors[41]
    assert list(ids) == list(np.argsort(-exact)[:5] + 1)
    assert np.allclose(scores, np.sort(exact)[::-1][:5], atol=0.002)


def test_only_new_rows_are_read_and_past_the_limit_the_newest_are_kept(
    session, monkeypatch
) -> None:
    monkeypatch.setattr(vector_cache, "MAX_CACHED", 300)
    _store(session, 1, _vectors(200, 2))
    cache = vector_cache.VectorCache()
    cache.refresh(session)
    assert len(cache) == 200
    _store(session, 201, _vectors(250, 3))
    cache.refresh(session)
    assert len(cache) == 300 and cache.post_ids[0] == 151 and cache.post_ids[-1] == 450
    fresh = vector_cache.VectorCache()
    fresh.refresh(session)
    assert list(fresh.post_ids) == list(cache.post_ids)
