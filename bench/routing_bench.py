"""What routing costs: the pure decision, and a burst of mentions with and without rules.

    .venv/bin/python bench/routing_bench.py [--posts 300] [--database sqlite|postgresql]

The decision is timed alone over 100,000 cases against a 12-rule policy. The burst is one
poll cycle through the stand-ins (fetch → store → route → publish to Slack), first with
no policy file, then with rules spreading the cases over three team channels. Not a test:
numbers depend on the machine; the report quotes a run.
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import database_url

from bot.routing.route import CaseFacts, route
from bot.routing.rules import parse_routing
from storage.enums import Priority
from tests.integration.harness import close_sandbox, open_sandbox

CHANNELS = {"C0CARE0001": "care", "C0COMMUNITY1": "community", "C0CAREEN01": "care-en"}
BURST_RULES = """
[routing.channels]
care = "C0CARE0001"
community = "C0COMMUNITY1"
care-en = "C0CAREEN01"

[[routing.rules]]
language = "en"
channel = "care-en"

[[routing.rules]]
intent = ["complaint", "question"]
channel = "care"

[[routing.rules]]
channel = "community"
"""
TEXTS = ("my order is late", "mi pedido no llega", "thanks, great service!", "¿tienen fibra?")


def decision_timing(cases: int = 100_000) -> float:
    """Microseconds per decision, the matching rule being on average half-way down."""
    rules = "\n".join(
        f'[[routing.rules]]\naccount = "x:a{i}"\nintent = "praise"\nchannel = "C0TEAM{i:04d}"\n'
        for i in range(11)
    )
    config = parse_routing(rules + '[[routing.rules]]\nchannel = "C0CARE0001"\n')
    rng = random.Random(7)
    facts = [
        CaseFacts(
            account=f"x:a{rng.randrange(22)}",
            priority=rng.choice(list(Priority)),
            intent=rng.choice(("complaint", "question", "praise", "other")),
            language=rng.choice(("es", "en")),
        )
        for _ in range(cases)
    ]
    started = time.perf_counter()
    for one in facts:
        route(one, config, "C0DEFAULT")
    return (time.perf_counter() - started) / cases * 1e6


def burst(posts: int, database: str, rules: str | None) -> float:
    url, drop = database_url(database)
    box = open_sandbox(url)
    try:
        for channel, name in CHANNELS.items():
            box.slack.add_channel(channel, name)
        now = datetime.now(UTC)
        for i in range(100):
            box.customer(f"customer{i}", followers=i * 37)
        for i in range(posts):
            box.mention(
                f"customer{i % 100}",
                f"bench post {i}: {TEXTS[i % len(TEXTS)]}",
                created_at=now - timedelta(seconds=posts - i),
            )
        env = {}
        if rules is not None:
            policy = Path(tempfile.mkdtemp(prefix="carethread-bench-")) / "carethread.toml"
            policy.write_text(rules, encoding="utf-8")
            env["CARETHREAD_CONFIG"] = str(policy)
        box.start_bot(**env)
        started = time.perf_counter()
        box.cycle()
        return time.perf_counter() - started
    finally:
        close_sandbox(box)
        drop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    print(f"route() per case     {decision_timing():.2f} µs (12 rules)")
    plain = burst(args.posts, args.database, None)
    routed = burst(args.posts, args.database, BURST_RULES)
    print(f"database             {args.database}")
    print(f"burst, no rules      {plain:.2f} s for {args.posts} mentions")
    print(f"burst, 3 rules       {routed:.2f} s for {args.posts} mentions (3 channels)")


if __name__ == "__main__":
    main()
