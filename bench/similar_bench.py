"""Similar-case lookup at scale: how long the draft modal waits for its three past cases.

Generates N posts (with customers, cases — most closed and answered —, replies and one
512-number embedding per post, clustered by topic like real complaints), then times the
lookup the draft modal makes (`find_similar`: query vector, nearest closed and answered
cases) and the details it shows (`past_case_views`) for random open cases. Not a test.

  .venv/bin/python bench/similar_bench.py --backend sqlite --posts 100000
  .venv/bin/python bench/similar_bench.py --backend postgresql --posts 100000   # no pgvector
  .venv/bin/python bench/similar_bench.py --backend pgvector --posts 1000000

`pgvector` runs a throwaway PostgreSQL 16 with pgvector from the pgserver wheel (the
machine's PostgreSQL 15 has no pgvector package); `--keep DIR` keeps its data folder (or the
SQLite file) so a second run skips the generation.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sqlalchemy import Engine, func, insert, select, text  # noqa: E402

from bench.common import database_url  # noqa: E402
from bot.knowledge.embeddings import MODEL_NAME, encode  # noqa: E402
from bot.knowledge.past_cases import past_case_views  # noqa: E402
from bot.knowledge.similar import find_similar  # noqa: E402
from bot.networks.registry import Networks  # noqa: E402
from bot.triage import TriageConfig  # noqa: E402
from storage.db import make_engine, make_session_factory, session_scope, upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    BrandAccount,
    Case,
    Customer,
    Draft,
    Post,
    PostEmbedding,
)
from storage.vectors import VECTOR_INDEX, VECTOR_TABLE, has_vector_table  # noqa: E402

DIM = 512
CHUNK = 20_000
NOW = datetime(2026, 12, 1, tzinfo=UTC)
TRIAGE = {
    "language": "en",
    "intent": "complaint",
    "sentiment": "negative",
    "priority": "P3",
    "reasons": ["complaint"],
    "pii": [],
    "urgent_terms": [],
    "response_target_minutes": 1440,
}


def vectors(rng: np.random.Generator, topics: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Posts near their topic (cosine ≈ 0.6–0.8 within a topic, ≈ 0 across)."""
    rows = topics[which] + 0.55 * rng.standard_normal((len(which), DIM)).astype(np.float32)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def generate(engine: Engine, posts: int, seed: int = 15) -> None:
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((max(50, posts // 200), DIM)).astype(np.float32)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        brand = BrandAccount(network="x", external_id="1", handle="acme")
        session.add(brand)
        session.flush()
        brand_id = brand.id
    pgvector = False
    with engine.begin() as connection:
        pgvector = has_vector_table(connection)
        if pgvector:  # bulk-load first, index after: much faster than indexing row by row
            connection.execute(text(f"DROP INDEX IF EXISTS {VECTOR_INDEX}"))
    cases = int(posts / 1.5)
    customers = max(1, cases // 2)
    started = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, customers, CHUNK):
            connection.execute(
                insert(Customer),
                [
                    dict(
                        id=i + 1,
                        network="x",
                        external_id=f"c{i}",
                        handle=f"customer_{i}",
                        name=f"Customer {i}",
                        followers=10,
                        verified=False,
                        created_at=NOW,
                        updated_at=NOW,
                    )  # fmt: skip
                    for i in range(start, min(customers, start + CHUNK))
                ],
            )
    post_id = 0
    for start in range(0, cases, CHUNK):
        stop = min(cases, start + CHUNK)
        case_rows, post_rows, draft_rows, vec_rows = [], [], [], []
        for c in range(start, stop):
            at = NOW - timedelta(minutes=cases - c)
            closed = rng.random() < 0.85
            topic = int(rng.integers(len(topics)))
            case_rows.append(
                dict(
                    id=c + 1,
                    brand_id=brand_id,
                    customer_id=int(rng.integers(customers)) + 1,
                    network="x",
                    conversation_id=f"conv{c}",
                    status="closed" if closed else "new",
                    priority="P3",
                    created_at=at,
                    updated_at=at,
                    last_customer_post_at=at,
                    closed_at=at + timedelta(hours=2) if closed else None,
                    first_response_at=at + timedelta(minutes=20) if closed else None,
                )  # fmt: skip
            )
            n_posts = 1 if rng.random() < 0.5 else 2
            for k in range(n_posts):
                post_id += 1
                post_rows.append(
                    dict(
                        id=post_id,
                        network="x",
                        external_id=f"p{post_id}",
                        case_id=c + 1,
                        customer_id=case_rows[-1]["customer_id"],
                        text=f"post {post_id} about topic {topic}",
                        url=f"https://x.com/i/{post_id}",
                        source="mention",
                        publicly_replyable=True,
                        meta={},
                        reopens_case=False,
                        created_at=at + timedelta(seconds=k),
                        fetched_at=at,
                        triage=TRIAGE,
                        priority="P3",
                        slack_attempts=0,
                    )  # fmt: skip
                )
                vec_rows.append((post_id, topic))
            if closed:
                draft_rows.append(
                    dict(
                        case_id=c + 1,
                        author_slack_id="U0AGENT1",
                        text=f"@customer Hi, here is what we did for topic {topic}.",
                        visibility="public",
                        status="posted",
                        written_after=at,
                        posted_at=at + timedelta(minutes=20),
                        send_attempts=1,
                        created_at=at,
                        updated_at=at,
                    )  # fmt: skip
                )
        ids = np.array([p for p, _ in vec_rows])
        embedded = vectors(rng, topics, np.array([t for _, t in vec_rows]))
        with engine.begin() as connection:
            connection.execute(insert(Case), case_rows)
            connection.execute(insert(Post), post_rows)
            if draft_rows:
                connection.execute(insert(Draft), draft_rows)
            connection.execute(
                insert(PostEmbedding),
                [
                    dict(post_id=int(i), model=MODEL_NAME, vector=encode(v))
                    for i, v in zip(ids, embedded, strict=True)
                ],
            )
            if pgvector:
                raw = connection.connection.driver_connection
                with raw.cursor().copy(  # type: ignore[union-attr]
                    f"COPY {VECTOR_TABLE} (post_id, embedding) FROM STDIN"
                ) as copy:
                    for i, v in zip(ids, embedded, strict=True):
                        copy.write_row((int(i), "[" + ",".join(f"{x:.5f}" for x in v) + "]"))
        print(f"  {post_id:>9,} posts stored ({time.perf_counter() - started:.0f} s)", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in ("customer", '"case"', "post", "draft"):
                name = table.strip('"')
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )  # fmt: skip
                )
                del name
    if pgvector:
        began = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text("SET maintenance_work_mem = '6GB'"))
            connection.execute(text("SET max_parallel_maintenance_workers = 1"))
            connection.execute(
                text(
                    f"CREATE INDEX {VECTOR_INDEX} ON {VECTOR_TABLE} "
                    "USING hnsw (embedding vector_ip_ops)"
                )
            )
        print(f"  HNSW index built in {time.perf_counter() - began:.0f} s", flush=True)
    with engine.begin() as connection:
        connection.execute(
            text("ANALYZE") if engine.dialect.name == "postgresql" else text("ANALYZE")
        )


def measure(engine: Engine, queries: int, seed: int = 7) -> dict[str, object]:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        total = session.scalar(select(func.count(Post.id))) or 0
        open_cases = session.scalars(
            select(Case.id).where(Case.status == "new").order_by(Case.id)
        ).all()
        backend = "pgvector" if has_vector_table(session.connection()) else "scan"
    rng = np.random.default_rng(seed)
    chosen = rng.choice(open_cases, size=min(queries, len(open_cases)), replace=False)
    networks = Networks([])
    lookup, whole, found = [], [], []
    for case_id in chosen:
        began = time.perf_counter()
        with session_scope(factory) as session:
            matches = find_similar(session, int(case_id), None)
            looked = time.perf_counter()
            past_case_views(session, matches, networks, TriageConfig())
        ended = time.perf_counter()
        lookup.append((looked - began) * 1000)
        whole.append((ended - began) * 1000)
        found.append(len(matches))

    def p(values: list[float], q: float) -> float:
        return round(float(np.percentile(values, q)), 1)

    return {
        "backend": engine.dialect.name + "/" + backend,
        "posts": total,
        "queries": len(chosen),
        "lookup_ms": {"p50": p(lookup, 50), "p95": p(lookup, 95), "max": p(lookup, 100)},
        "with_details_ms": {"p50": p(whole, 50), "p95": p(whole, 95), "max": p(whole, 100)},
        "cases_found_mean": round(statistics.mean(found), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "pgvector"], required=True)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", help="folder to keep (and reuse) the generated database in")
    args = parser.parse_args()
    server = None
    drop = lambda: None  # noqa: E731
    if args.backend == "pgvector":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
        folder = Path(args.keep or tempfile.mkdtemp(prefix="carethread-bench-pgvector-"))
        server = pgserver.get_server(folder, cleanup_mode=None if args.keep else "delete")
        url = server.get_uri("postgres").replace("postgres:@/", "postgres@/", 1)
    elif args.backend == "sqlite" and args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(args.keep) / 'bench.db'}"
    else:
        url, drop = database_url(args.backend)
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            have = connection.execute(select(func.count(Post.id))).scalar() or 0
        if have < args.posts:
            print(f"Generating {args.posts:,} posts on {args.backend}…", flush=True)
            generate(engine, args.posts)
        print(json.dumps(measure(engine, args.queries), indent=2))
    finally:
        engine.dispose()
        drop()
        if server is not None and not args.keep:
            server.cleanup()


if __name__ == "__main__":
    main()
