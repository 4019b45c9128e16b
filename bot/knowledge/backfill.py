"""`python -m bot.knowledge.backfill [--pgvector]`: catch up on embeddings.

Embeds, in batches, every stored post that has no vector (posts stored before similar cases
existed, or whose embedding failed at ingest). With `--pgvector`, first creates pgvector's
table and index if the PostgreSQL server has gained the extension since the migration, and
copies every stored vector into it. Needs only DATABASE_URL. Safe to run while the bot runs.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine, select, text

from bot.config import ConfigError, load_database_url
from bot.knowledge.embeddings import (
    MODEL_NAME,
    decode_many,
    embed_missing,
    embed_with_triage_encoder,
)
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import PostEmbedding
from storage.vectors import VECTOR_TABLE, enable_pgvector, vector_literal

COPY_BATCH = 2000


def copy_to_pgvector(engine: Engine) -> int:
    """Copy stored vectors missing from `post_vector`; returns how many were copied."""
    copied = 0
    with engine.begin() as connection:
        if not enable_pgvector(connection):
            return 0
    factory = make_session_factory(engine)
    while True:
        with session_scope(factory) as session:
            rows = session.execute(
                select(PostEmbedding.post_id, PostEmbedding.vector)
                .where(
                    PostEmbedding.model == MODEL_NAME,
                    text(
                        f"NOT EXISTS (SELECT 1 FROM {VECTOR_TABLE} v "
                        "WHERE v.post_id = post_embedding.post_id)"
                    ),
                )
                .limit(COPY_BATCH)
            ).all()
            if not rows:
                return copied
            vectors = decode_many([r[1] for r in rows])
            session.execute(
                text(
                    f"INSERT INTO {VECTOR_TABLE} (post_id, embedding) "
                    "VALUES (:post_id, CAST(:embedding AS vector))"
                ),
                [
                    {"post_id": r[0], "embedding": vector_literal(v.tolist())}
                    for r, v in zip(rows, vectors, strict=True)
                ],
            )
            copied += len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.knowledge.backfill")
    parser.add_argument(
        "--pgvector", action="store_true", help="set up pgvector's table if the server has it"
    )
    args = parser.parse_args(argv)
    try:
        engine = make_engine(load_database_url())
    except ConfigError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    factory = make_session_factory(engine)
    total = 0
    while filled := embed_missing(factory, embed_with_triage_encoder):
        total += filled
        print(f"{total} post(s) embedded", file=sys.stderr)
    if args.pgvector:
        print(f"{copy_to_pgvector(engine)} vector(s) copied to {VECTOR_TABLE}", file=sys.stderr)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
