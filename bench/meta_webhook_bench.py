"""How fast a Meta webhook is answered, and how soon its comment is a card in Slack, through
the real bot (waitress, the intake worker, the database, the Slack stand-in).

    .venv/bin/python bench/meta_webhook_bench.py [--one-by-one 30] [--burst 200]
        [--database sqlite|postgresql]

One by one: a customer comments, the Graph stand-in POSTs the signed webhook (timed until
the bot's answer, which is what Meta waits for), then the time until the card is in the
channel. Burst: comments back to back (the answers, then until every card is there).
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from common import database_url

from tests.integration.harness import close_sandbox, open_sandbox


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one-by-one", type=int, default=30)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    url, drop = database_url(args.database)
    box = open_sandbox(url)
    try:
        meta = box.start_meta()
        box.start_bot()
        box.connect_meta_webhooks()
        post = meta.page_post("Opening hours")
        answers, to_card = [], []
        for i in range(args.one_by_one):
            started = time.perf_counter()
            meta.comment(f"Person {i}", post["id"], f"Question number {i}")
            answered = time.perf_counter()
            box.slack.wait_for(lambda n=i + 1: len(box.roots()) >= n, 30)
            answers.append(answered - started)
            to_card.append(time.perf_counter() - started)
        before = len(box.roots())
        burst_answers = []
        started = time.perf_counter()
        for i in range(args.burst):
            t = time.perf_counter()
            meta.comment(f"Burst person {i}", post["id"], f"Burst question {i}")
            burst_answers.append(time.perf_counter() - t)
        sent = time.perf_counter()
        box.slack.wait_for(lambda: len(box.roots()) >= before + args.burst, 300)
        done = time.perf_counter()
        statuses = {status for _, status in meta.deliveries}

        print(f"database                     {args.database}")
        print(
            f"webhook answered (one by one) median {statistics.median(answers) * 1000:.1f} ms,"
            f" p95 {percentile(answers, 0.95) * 1000:.1f} ms"
        )
        print(
            f"webhook → card in Slack      median {statistics.median(to_card) * 1000:.0f} ms,"
            f" p95 {percentile(to_card, 0.95) * 1000:.0f} ms"
        )
        print(
            f"burst of {args.burst}: answered median "
            f"{statistics.median(burst_answers) * 1000:.1f} ms, p95 "
            f"{percentile(burst_answers, 0.95) * 1000:.1f} ms; all sent in {sent - started:.2f}"
            f" s, all cards {done - started:.2f} s ({args.burst / (done - started):.0f}/s)"
        )
        print(f"HTTP statuses seen by the stand-in: {sorted(s for s in statuses if s)}")
    finally:
        close_sandbox(box)
        drop()


if __name__ == "__main__":
    main()
