"""pgvector, where the PostgreSQL server has it: the `post_vector` table and its HNSW index.

Every post's embedding is stored portably in `post_embedding` (float16 bytes, every
backend). When the server offers the pgvector extension, a second copy goes into
`post_vector` (`vector(512)`, with an HNSW index for inner product), so that a similar-case
lookup over a million posts is an index scan instead of reading every vector. The table is
created here, outside the models, because whether it can exist depends on the server, not
on the schema version: the migration tries once, and `enable_pgvector` can be run again
after a server gains the extension (`python -m bot.knowledge.vectors enable`).
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

VECTOR_TABLE = "post_vector"
VECTOR_INDEX = "ix_post_vector_hnsw"
# The sentence encoder's dimension (bot.triage.embedding.EMBEDDING_DIM).
DIMENSION = 512


def pgvector_available(connection: Connection) -> bool:
    """The server can load pgvector (it may not be created in this database yet)."""
    if connection.dialect.name != "postgresql":
        return False
    found = connection.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
    ).scalar()
    return bool(found)


def has_vector_table(connection: Connection) -> bool:
    """pgvector is in use in this database: the extension and `post_vector` exist."""
    if connection.dialect.name != "postgresql":
        return False
    return bool(connection.execute(text(f"SELECT to_regclass('{VECTOR_TABLE}')")).scalar())


def enable_pgvector(connection: Connection) -> bool:
    """Create the extension, `post_vector` and its index when the server allows it.

    Returns whether pgvector is in use afterwards. A server without the extension, or a
    role that may not create it, leaves everything as it was (a savepoint) and the
    similar-case lookup uses its fallback.
    """
    if not pgvector_available(connection):
        log.info("pgvector is not available on this PostgreSQL server; using the fallback")
        return False
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as exc:
        log.warning("Could not create the pgvector extension (%s); using the fallback", exc.orig)
        return False
    connection.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {VECTOR_TABLE} ("
            "post_id INTEGER PRIMARY KEY REFERENCES post (id), "
            f"embedding vector({DIMENSION}) NOT NULL)"
        )
    )
    # Inner product on unit vectors is cosine similarity; HNSW needs no training data, so
    # it works from the first row on and stays good as the table grows.
    connection.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON {VECTOR_TABLE} "
            "USING hnsw (embedding vector_ip_ops)"
        )
    )
    return True


def vector_literal(values: list[float]) -> str:
    """pgvector's text form of a vector: `[0.1,0.2,…]`."""
    return "[" + ",".join(f"{v:.6g}" for v in values) + "]"
