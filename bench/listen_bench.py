"""How fast a burst of mentions becomes Slack threads, end to end through the stand-ins.

    .venv/bin/python bench/listen_bench.py [--posts 500] [--database sqlite|postgresql]

Measures one poll cycle (fetch with pagination → dedupe → store → publish to Slack)
and a second, idle cycle (what every tick costs when nothing is new). Not a test:
numbers depend on the machine; the README quotes a run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.integration.harness import close_sandbox, open_sandbox  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def database_url(kind: str) -> tuple[str, callable]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="carethread-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    name = f"carethread_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    url, drop = database_url(args.database)
    box = open_sandbox(url)
    try:
        for i in range(args.customers):
            box.customer(f"customer{i}", followers=i * 37)
        now = datetime.now(UTC)
        for i in range(args.posts):
            box.mention(
                f"customer{i % args.customers}",
                f"bench post {i}: my order is late",
                created_at=now - timedelta(seconds=args.posts - i),
            )
        box.start_bot()
        started = time.perf_counter()
        polled, published = box.cycle()
        burst = time.perf_counter() - started
        idle = []
        for _ in range(5):
            t = time.perf_counter()
            box.cycle()
            idle.append(time.perf_counter() - t)
        messages = len(box.slack.calls("chat.postMessage"))
        print(f"database           {args.database}")
        print(f"posts stored       {sum(p.stored for p in polled)} (Slack messages {messages})")
        print(f"burst cycle        {burst:.2f} s  ({args.posts / burst:.0f} posts/s incl. Slack)")
        print(f"idle cycle median  {statistics.median(idle) * 1000:.1f} ms")
    finally:
        close_sandbox(box)
        drop()


if __name__ == "__main__":
    main()
