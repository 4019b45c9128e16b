"""Acknowledging 20 concurrent clicks, and the flood with two web processes and one worker.

    .venv/bin/python bench/ack_bench.py [--database sqlite postgresql] [--rounds 5]
        [--clicks 20] [--warmup 1] [--flood-on postgresql] [--burst 300] [--steady-seconds 40]

The bot runs as real `python -m bot` child processes against the stand-ins:
- SQLite: one `python -m bot run` (Slack app and worker in one process);
- PostgreSQL: two `python -m bot web` and one `python -m bot worker`.

1. **Acknowledgement.** Cases are opened (one mention each) and their cards posted; then, per
   round, 20 agents' threads each press Claim on a case of its own at the same moment
   (a barrier), every click a real signed `block_actions` payload built by the Slack
   stand-in from the posted card and POSTed to the app's Request URL. The time from
   sending to the app's HTTP answer is what Slack waits for (it gives up after 3 s);
   p50/p99 over all rounds after a warm-up round (`--warmup`: fresh processes are slower on
   their first clicks; its slowest ack is printed apart)
   (goal: p99 ≤ 100 ms). With two web processes the clicks
   alternate between them. Every case must end up claimed by its clicker.
2. **The flood** (with `--flood-on`, by default on PostgreSQL): the generator of
   bench/flood_bench.py — steady traffic below Slack's rate, then a burst — with the Slack
   stand-in enforcing 1 message/s per channel (bursts of 4): mention → Slack p50/p95, urgent
   posts after the poll that fetched them, the sustained posting rate as a share of what
   the stand-in allows.
Not a test: numbers depend on the machine; the README quotes a run.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import flood_bench
from common import database_url
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from bot.slack.ids import Action
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Case
from tests.integration.harness import CHANNEL, Sandbox, close_sandbox, open_sandbox
from tests.integration.processes import BotProcess, wait_until

FAST_SLACK = {  # the stand-in's limits for the acknowledgement phase: cards out at once
    "SANDBOX_SLACK_POSTS_PER_SECOND": "1000",
    "SANDBOX_SLACK_POST_BURST": "1000",
    "SANDBOX_SLACK_UPDATES_PER_MINUTE": "60000",
}
SLACK_PACE = {  # Slack's own pace, for the flood (as bench/flood_bench.py)
    "SANDBOX_SLACK_POSTS_PER_SECOND": "1",
    "SANDBOX_SLACK_POST_BURST": "4",
    "SANDBOX_SLACK_UPDATES_PER_MINUTE": "50",
}


def layout(kind: str) -> list[str]:
    """The processes a deployment of `kind` runs."""
    return ["run"] if kind == "sqlite" else ["web", "web", "worker"]


class Deployment:
    """The stand-ins, a fresh database and the bot's processes."""

    def __init__(self, kind: str, slack_limits: dict[str, str], **env: str) -> None:
        os.environ.update(slack_limits)  # the Slack stand-in reads them when it is created
        self.kind = kind
        self.url, self._drop = database_url(kind)
        self.box: Sandbox = open_sandbox(self.url)
        self.engine = make_engine(self.url)
        self.factory = make_session_factory(self.engine)
        self.env = self.box.subprocess_env(**env)
        self.logs = Path(tempfile.mkdtemp(prefix="carethread-ack-bench-"))
        self.processes: list[BotProcess] = []

    def start(self) -> None:
        for command in layout(self.kind):
            self.processes.append(BotProcess(self.env, command, self.logs))
        for process in self.processes:
            process.wait_ready()

    @property
    def slack_urls(self) -> list[str]:
        """Where Slack delivers interactions: every process that serves Slack."""
        return [p.slack_url for p in self.processes if p.command in ("run", "web")]

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        self.engine.dispose()
        close_sandbox(self.box)
        self._drop()

    def posts_by_x_id(self, _box: Sandbox) -> dict[str, tuple[int, str, datetime]]:
        """X id → (post id, case priority, fetched at), from the processes' database."""
        return flood_bench.posts_in(self.factory)


def pct(values: list[float], q: float) -> float:
    return flood_bench.pct(values, q)


# -- 1. acknowledgement -------------------------------------------------------------------
def acknowledgements(
    kind: str, rounds: int, clicks: int, warmup: int, progress: Progress
) -> dict[str, Any]:
    deployment = Deployment(kind, FAST_SLACK, POLL_INTERVAL_SECONDS="1")
    box = deployment.box
    agents = [f"U0ACK{i:03d}" for i in range(clicks)]
    try:
        for user in agents:
            box.slack.add_user(user, user.lower(), real_name=user.title())
        total = (warmup + rounds) * clicks
        for i in range(total):
            box.customer(f"ackcust{i}")
            box.mention(f"ackcust{i}", f"case {i}: my router is dead again")
        deployment.start()
        task = progress.add_task("cards in Slack", total=total)

        def cards() -> list[dict[str, Any]] | None:
            roots = box.roots()
            progress.update(task, completed=len(roots))
            return roots if len(roots) >= total else None

        roots = wait_until(cards, 120, "every case's card in Slack")
        time.sleep(2)  # settled: the worker's first cycles done
        urls = deployment.slack_urls
        acks: list[float] = []
        cold: list[float] = []  # the warm-up rounds' acks, reported apart
        statuses: list[int] = []
        lock = threading.Lock()
        expected: dict[str, str] = {}  # card ts → who claimed it
        clicking = progress.add_task(f"rounds of {clicks} clicks", total=warmup + rounds)
        for round_ in range(warmup + rounds):
            batch = roots[round_ * clicks : (round_ + 1) * clicks]
            payloads = []
            for n, (root, user) in enumerate(zip(batch, agents, strict=True)):
                payload = box.slack.click_payload(
                    user_id=user, channel=CHANNEL, message_ts=root["ts"], action_id=Action.CLAIM
                )
                payloads.append((urls[(round_ * clicks + n) % len(urls)], payload))
                expected[root["ts"]] = user
            barrier = threading.Barrier(len(payloads))

            def click(
                url: str, payload: dict[str, Any], barrier: threading.Barrier, into: list[float]
            ) -> None:
                barrier.wait()
                started = time.perf_counter()
                status, _ = box.slack.deliver(url, payload)
                took = time.perf_counter() - started
                with lock:
                    into.append(took)
                    statuses.append(status)

            into = cold if round_ < warmup else acks
            threads = [
                threading.Thread(target=click, args=(*one, barrier, into)) for one in payloads
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            progress.advance(clicking)
            time.sleep(1.0)  # let the round's follow-up work (cards, ephemerals) finish

        def claimed() -> int | None:
            with session_scope(deployment.factory) as session:
                owners = dict(
                    session.execute(
                        select(Case.slack_ts, Case.owner_slack_id).where(
                            Case.slack_ts.in_(list(expected))
                        )
                    ).all()
                )
            right = sum(owners.get(ts) == user for ts, user in expected.items())
            return right if right == len(expected) else None

        try:
            right = wait_until(claimed, 20, "every case claimed by its clicker")
        except AssertionError:
            right = claimed() or 0
        return {
            "processes": " + ".join(layout(kind)),
            "clicks": len(acks) + len(cold),
            "ok": sum(s == 200 for s in statuses),
            "claimed": right,
            "p50_ms": pct(acks, 0.5) * 1000,
            "p99_ms": pct(acks, 0.99) * 1000,
            "max_ms": max(acks) * 1000,
            "warmup_max_ms": max(cold, default=float("nan")) * 1000,
            "round_p99_ms": [
                pct(acks[r * clicks : (r + 1) * clicks], 0.99) * 1000 for r in range(rounds)
            ],
        }
    finally:
        deployment.close()


# -- 2. the flood ----------------------------------------------------------------------------
def flood(kind: str, args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    rng = random.Random(flood_bench.SEED)
    policy = Path(tempfile.mkdtemp()) / "carethread.toml"
    policy.write_text('[targets.P3]\nfirst_response = "10m"\n', encoding="utf-8")
    deployment = Deployment(
        kind,
        SLACK_PACE,
        POLL_INTERVAL_SECONDS=str(args.poll),
        SLACK_POSTS_PER_SECOND=str(flood_bench.RATE),
        SLACK_POST_BURST=str(flood_bench.BURST),
        SLACK_UPDATES_PER_MINUTE="50",
        SLACK_CARD_COALESCE_SECONDS="1",
        CARETHREAD_CONFIG=str(policy),
    )
    # flood_bench's phases read the database through this (they were written for a bot
    # inside the benchmark's own process).
    flood_bench.posts_by_x_id = deployment.posts_by_x_id  # type: ignore[assignment]
    try:
        flood_bench.add_customers(deployment.box, rng)
        deployment.start()
        calm = flood_bench.steady(deployment.box, args.steady_seconds, rng, progress)
        burst = flood_bench.burst(
            deployment.box, args.burst, args.spread_seconds, args.drain_seconds, rng, progress
        )
        with session_scope(deployment.factory) as session:
            cases = session.scalar(select(func.count()).select_from(Case))
        return {
            "processes": " + ".join(layout(kind)),
            "steady": calm,
            "burst": burst,
            "cases": cases,
        }
    finally:
        deployment.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1, help="rounds not counted")
    parser.add_argument("--flood-on", nargs="*", default=["postgresql"])
    parser.add_argument("--burst", type=int, default=300)
    parser.add_argument("--steady-seconds", type=float, default=40)
    parser.add_argument("--spread-seconds", type=float, default=10)
    parser.add_argument("--drain-seconds", type=float, default=90)
    parser.add_argument("--poll", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    console = Console(stderr=True)
    for kind in args.database:
        with Progress(
            TextColumn(f"[bold]{kind}[/bold] {{task.description}}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            ack = acknowledgements(kind, args.rounds, args.clicks, args.warmup, progress)
            flooded = flood(kind, args, progress) if kind in args.flood_on else None
        print(f"== {kind}: {ack['processes']}")
        print(
            f"ack of {args.clicks} concurrent Claim clicks × {args.rounds} rounds: "
            f"p50 {ack['p50_ms']:.1f} ms  p99 {ack['p99_ms']:.1f} ms  max {ack['max_ms']:.1f} ms "
            f"(HTTP 200: {ack['ok']}/{ack['clicks']}; claimed by the clicker: "
            f"{ack['claimed']}/{ack['clicks']}; max in {args.warmup} warm-up round(s) "
            f"{ack['warmup_max_ms']:.0f} ms; p99 per counted round "
            + ", ".join(f"{v:.0f}" for v in ack["round_p99_ms"])
            + " ms)"
        )
        if flooded:
            s, b = flooded["steady"], flooded["burst"]
            print(
                f"flood, steady mention→Slack p50 {s['p50_s']:.1f} s  p95 {s['p95_s']:.1f} s  "
                f"max {s['max_s']:.1f} s ({s['in_slack']}/{s['mentions']} mentions, "
                f"poll every {args.poll} s)"
            )
            print(
                f"flood, burst of {b['mentions']} within {args.spread_seconds:.0f} s: "
                f"{b['urgent']} urgent ({b['urgent_triaged_p1']} P1, {b['urgent_in_slack']} "
                f"in Slack): after the poll that fetched each p50 "
                f"{b['urgent_after_poll_p50_s']:.1f} s, all in "
                f"{b['urgent_all_in_slack_after_poll_s']:.1f} s; sustained rate "
                f"{b['rate_share'] * 100:.1f} % of allowed ({b['posted_in_window']} messages "
                f"over {b['window_s']:.0f} s; 429s {b['refused_429']}); "
                f"cases {flooded['cases']}"
            )


if __name__ == "__main__":
    main()
