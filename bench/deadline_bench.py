"""What a deadline-watcher run costs with many open cases.

    .venv/bin/python bench/deadline_bench.py [--cases 100000] [--database sqlite|postgresql]

Rows are generated directly in the database: `--cases` open cases, one customer post each,
written over the last 20 hours, every priority's first response 24 h (so nothing is due
yet), each case's next look spread over the next four hours, as the watcher leaves them.
Then, on the real watcher with a Slack stand-in:
- idle: a run when no case is due (the common case: it wakes, finds nothing, sleeps);
- busy: a run when 200 cases turn due soon at once (200 reminders, 200 card updates);
- catch-up: a run over 10,000 cases marked for a look (after an upgrade or an outage).
Not a test: the numbers depend on the machine; the issue note and the README quote runs.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import time
from datetime import timedelta

from common import database_url
from slack_sdk import WebClient
from sqlalchemy import insert, update

from bot.lifecycle import CHECK_NOW
from bot.networks.registry import Networks
from bot.sla.policy import parse_policy
from bot.sla.watcher import DeadlineWatcher
from bot.slack.case_thread import CaseThread
from sandbox.slack_api import SlackStandIn
from storage.db import make_engine, make_session_factory, session_scope, upgrade
from storage.models import BrandAccount, Case, Customer, Post, utcnow

CHANNEL = "C0CASES"
POLICY = """
[targets.P1]
first_response = "1d"
[targets.P2]
first_response = "1d"
[targets.P3]
first_response = "1d"
"""


def generate(factory, cases: int) -> None:
    now = utcnow()
    rng = random.Random(7)
    with session_scope(factory) as session:
        brand = BrandAccount(network="x", external_id="1", handle="brand")
        session.add(brand)
        session.flush()
        customers = 2000
        session.execute(
            insert(Customer),
            [
                dict(network="x", external_id=str(i), handle=f"c{i}", name="", created_at=now)
                for i in range(customers)
            ],
        )
        brand_id = brand.id
    chunk = 5000
    for start in range(0, cases, chunk):
        rows, posts = [], []
        for i in range(start, min(start + chunk, cases)):
            written = now - timedelta(hours=20 * rng.random())
            rows.append(
                dict(
                    id=i + 1,
                    brand_id=brand_id,
                    customer_id=1 + i % customers,
                    network="x",
                    conversation_id=str(i),
                    status="new",
                    priority=rng.choice(["P1", "P2", "P3"]),
                    respond_by=written + timedelta(days=1),
                    slack_channel=CHANNEL,
                    slack_ts=f"1700000000.{i:06d}",
                    created_at=written,
                    updated_at=written,
                    last_customer_post_at=written,
                    waiting_on_customer=False,
                    sla_next_check_at=now + timedelta(hours=4 * rng.random(), minutes=1),
                )
            )
            posts.append(
                dict(
                    network="x",
                    external_id=str(i),
                    case_id=i + 1,
                    customer_id=1 + i % customers,
                    text="my router is dead",
                    url=f"https://x.com/c/status/{i}",
                    source="mention",
                    publicly_replyable=True,
                    meta={},
                    reopens_case=False,
                    created_at=written,
                    fetched_at=written,
                    priority="P3",
                    slack_attempts=1,
                    slack_ts=f"1700000000.{i:06d}",
                )
            )
        with session_scope(factory) as session:
            session.execute(insert(Case), rows)
            session.execute(insert(Post), posts)


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    url, drop = database_url(args.database)
    slack = SlackStandIn()
    slack.start()
    slack.add_channel(CHANNEL, "customer-care")
    engine = make_engine(url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        generate(factory, args.cases)
        print(
            f"{args.database}: {args.cases} open cases generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        client = WebClient(token=slack.bot_token, base_url=slack.base_url)
        networks = Networks([])
        thread = CaseThread(client, factory, networks)
        watcher = DeadlineWatcher(factory, parse_policy(POLICY), thread, networks)

        idle = [timed(watcher.run) for _ in range(20)]
        print(
            f"idle run (nothing due): median {statistics.median(idle) * 1000:.1f} ms, "
            f"max {max(idle) * 1000:.1f} ms"
        )

        # 200 cases written 23 h 50 min ago: due soon now (15 min before a 1-day target).
        due = list(range(1, 201))
        with session_scope(factory) as session:
            old = utcnow() - timedelta(hours=23, minutes=50)
            session.execute(update(Post).where(Post.case_id.in_(due)).values(created_at=old))
            session.execute(
                update(Case).where(Case.id.in_(due)).values(sla_next_check_at=CHECK_NOW)
            )
        calls = len(slack.requests)
        busy = timed(watcher.run)
        print(
            f"busy run (200 cases turn due soon): {busy * 1000:.0f} ms, "
            f"{len(slack.requests) - calls} Slack calls"
        )

        catch_up = list(range(1000, 11_000))
        with session_scope(factory) as session:
            session.execute(
                update(Case).where(Case.id.in_(catch_up)).values(sla_next_check_at=CHECK_NOW)
            )
        seconds = timed(watcher.run)
        print(
            f"catch-up run (10,000 cases marked): {seconds:.2f} s, {10_000 / seconds:.0f} cases/s"
        )
    finally:
        engine.dispose()
        slack.stop()
        drop()


if __name__ == "__main__":
    main()
