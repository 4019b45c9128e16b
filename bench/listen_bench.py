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
import time
from datetime import UTC, datetime, timedelta

from common import database_url

from tests.integration.harness import close_sandbox, open_sandbox


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
