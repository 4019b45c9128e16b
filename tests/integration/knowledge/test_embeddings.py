"""Post embeddings at ingest, and the similar-case lookup on both paths: the exact scan
(SQLite, PostgreSQL without pgvector) and pgvector's HNSW index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from bot.ingest import ingest_posts, upsert_brand
from bot.knowledge.embeddings import embed_missing
from bot.knowledge.similar import find_similar
from bot.networks.base import Author, FetchedPost
from storage.db import make_engine, make_session_factory, session_scope, upgrade
from storage.models import Post, PostEmbedding
from storage.vectors import VECTOR_TABLE, has_vector_table
from tests.integration.knowledge.past_data import add_case, brand, topic_embedder


def _fetched(n: int) -> FetchedPost:
    return FetchedPost(
        network="x",
        external_id=str(n),
        author=Author(external_id=f"a{n}", handle=f"user{n}", name=f"User {n}"),
        text=f"billing problem number {n}",
        url=f"https://x.com/{n}",
        created_at=datetime(2026, 11, 20, 9, n, tzinfo=UTC),
    )


def test_a_post_whose_embedding_fails_is_stored_and_filled_in_later(factory) -> None:
    def broken(texts):
        raise RuntimeError("encoder exploded")

    with session_scope(factory) as session:
        account = upsert_brand(session, "x", Author(external_id="1", handle="acme", name="Acme"))
        stored = ingest_posts(session, account, [_fetched(1), _fetched(2)], embed=broken)
    assert len(stored) == 2
    with session_scope(factory) as session:
        assert session.scalar(select(func.count(Post.id))) == 2
        assert session.scalar(select(func.count(PostEmbedding.post_id))) == 0

    assert embed_missing(factory, topic_embedder()) == 2
    assert embed_missing(factory, topic_embedder()) == 0
    with session_scope(factory) as session:
        assert session.scalar(select(func.count(PostEmbedding.post_id))) == 2


def _similar_world(factory) -> tuple[int, dict[str, int]]:
    """Closed, answered cases on three topics, plus distractors that must never show: an
    open case and a closed one without a reply, both on the query's topic."""
    embed = topic_embedder()
    ids: dict[str, int] = {}
    with session_scope(factory) as session:
        account = brand(session)
        for n in range(30):
            topic = ("billing", "outage", "plan")[n % 3]
            case = add_case(session, account, n, f"{topic} case {n}", embed=embed)
            ids.setdefault(topic, case.id)
        ids["open"] = add_case(session, account, 100, "billing open", embed=embed, closed=False).id
        ids["unanswered"] = add_case(
            session, account, 101, "billing unanswered", embed=embed, answered=False
        ).id
        query = add_case(session, account, 200, "billing new one", embed=embed, closed=False)
        return query.id, ids


def _check_similar(factory) -> list[int]:
    query_id, ids = _similar_world(factory)
    with session_scope(factory) as session:
        found = find_similar(session, query_id, None, floor=0.0)
        billing = {
            c.id
            for c in session.execute(
                text(
                    'SELECT c.id FROM "case" c JOIN post p ON p.case_id = c.id '
                    "WHERE p.text LIKE 'billing case%'"
                )
            )
        }
    assert len(found) == 3
    assert {m.case_id for m in found} <= billing
    assert ids["open"] not in {m.case_id for m in found}
    assert ids["unanswered"] not in {m.case_id for m in found}
    assert [m.similarity for m in found] == sorted((m.similarity for m in found), reverse=True)
    return [m.case_id for m in found]


def test_similar_cases_by_the_exact_scan(factory) -> None:
    with session_scope(factory) as session:
        assert not has_vector_table(session.connection())
    _check_similar(factory)


@pytest.mark.postgres
def test_similar_cases_by_pgvector_agree_with_the_scan(pgvector_url) -> None:
    engine = make_engine(pgvector_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    try:
        with session_scope(factory) as session:
            assert has_vector_table(session.connection())
        by_index = _check_similar(factory)
        with session_scope(factory) as session:
            rows = session.scalar(text(f"SELECT count(*) FROM {VECTOR_TABLE}"))
            assert rows == session.scalar(select(func.count(PostEmbedding.post_id)))
            session.execute(text(f"ALTER TABLE {VECTOR_TABLE} RENAME TO hidden_vectors"))
            # Without the table, the same question goes to the scan: the same answer.
            query_id = session.scalar(text('SELECT max(id) FROM "case"'))
            assert not has_vector_table(session.connection())
            by_scan = [m.case_id for m in find_similar(session, query_id, None, floor=0.0)]
            # The same cases (int8 and float32 vectors may order near-ties differently).
            assert set(by_scan) == set(by_index)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_the_backfill_copies_stored_vectors_into_pgvector(pgvector_url) -> None:
    from bot.knowledge.backfill import copy_to_pgvector

    engine = make_engine(pgvector_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    try:
        _similar_world(factory)
        with engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {VECTOR_TABLE}"))
        stored = 0
        with session_scope(factory) as session:
            stored = session.scalar(select(func.count(PostEmbedding.post_id))) or 0
        assert copy_to_pgvector(engine) == stored
        assert copy_to_pgvector(engine) == 0
    finally:
        engine.dispose()
