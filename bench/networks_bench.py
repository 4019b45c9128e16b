"""What polling every network costs, end to end through the stand-ins.

    .venv/bin/python bench/networks_bench.py [--posts 100] [--database sqlite|postgresql]
                                             [--networks mastodon,bluesky,rss,discourse]

Each network gets `--posts` posts from 20 customers (feeds: 5 blogs); measures the first
cycle (fetch → store → triage → publish to Slack, networks polled side by side) and the
idle cycle after it (what every tick costs when nothing is new: one request or a 304 per
stream). Not a test: numbers depend on the machine; the report quotes a run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from common import database_url

from tests.integration.harness import close_sandbox, open_sandbox

CUSTOMERS = 20
BLOGS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--networks", default="mastodon,bluesky,rss,discourse")
    args = parser.parse_args()
    names = [n.strip() for n in args.networks.split(",") if n.strip()]
    logging.disable(logging.WARNING)
    url, drop = database_url(args.database)
    box = open_sandbox(url, networks=names)
    try:
        for name in names:
            timeline = box.world(name).timeline
            people = BLOGS if name == "rss" else CUSTOMERS
            for i in range(people):
                timeline.add_persona(f"person{i}", f"Person {i}", language="es")
            for i in range(args.posts):
                text = f"bench post {i}\nmi pedido llega tarde otra vez"
                timeline.compose(f"person{i % people}", text)
        box.start_bot()
        started = time.perf_counter()
        polled, _ = box.cycle()
        burst = time.perf_counter() - started
        idle = []
        for _ in range(5):
            t = time.perf_counter()
            box.cycle()
            idle.append(time.perf_counter() - t)
        stored = sum(p.stored for p in polled)
        messages = len(box.slack.calls("chat.postMessage"))
        print(f"database           {args.database}")
        print(f"networks           {', '.join(names)}")
        print(f"posts stored       {stored} (Slack messages {messages})")
        print(f"first cycle        {burst:.2f} s  ({stored / burst:.0f} posts/s incl. Slack)")
        print(f"idle cycle median  {statistics.median(idle) * 1000:.1f} ms")
    finally:
        close_sandbox(box)
        drop()


if __name__ == "__main__":
    main()
