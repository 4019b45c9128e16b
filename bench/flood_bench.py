"""A brand's bad day, replayed: realistic mention traffic through the X stand-in, the real
bot (scheduler, poller, publishing loop) and the Slack stand-in enforcing Slack's posting
rate (1 message per second per channel, bursts of 4, 429 + Retry-After beyond).

    .venv/bin/python bench/flood_bench.py [--database sqlite postgresql] [--burst 1000]
        [--steady-seconds 90] [--poll 10] [--drain-seconds 90] [--chart docs/flood.png]

Per database:
1. overhead: the bot's own work per post — ingest (dedupe, case grouping), triage, store,
   render the card — timed post by post (no network, no Slack), p50/p95;
2. steady traffic below Slack's rate (bursts, long posts, replies in threads, 5 % urgent
   from large verified accounts): mention → message in Slack, p50/p95 (goal: ≤ poll
   interval + 2 s when there is no backlog);
3. a burst of N mentions at once (5 % urgent): how long after the poll that fetched them
   every urgent one is in Slack (goal ≤ 10 s), and the sustained posting rate while the
   backlog drains, as a share of what the stand-in allows (goal ≥ 90 %).
Not a test: numbers depend on the machine; the README quotes a run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import database_url

# The stand-in reads Slack's limits when it is created: Slack's own pace.
os.environ.update(
    {
        "SANDBOX_SLACK_POSTS_PER_SECOND": "1",
        "SANDBOX_SLACK_POST_BURST": "4",
        "SANDBOX_SLACK_UPDATES_PER_MINUTE": "50",
    }
)

from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from sqlalchemy import select, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot.app import build_runtime  # noqa: E402
from bot.ingest import ingest_posts, upsert_brand  # noqa: E402
from bot.slack.builders.card import build_case_card  # noqa: E402
from bot.slack.builders.common import blocks_as_dicts  # noqa: E402
from bot.slack.views import case_snapshot  # noqa: E402
from storage.db import session_scope  # noqa: E402
from storage.models import Case, Post  # noqa: E402
from tests.integration.harness import CHANNEL, Sandbox, close_sandbox, open_sandbox  # noqa: E402

SEED = 20261207
URGENT_SHARE = 0.05
RATE, BURST = 1.0, 4  # what the Slack stand-in allows per channel

NOISE = [
    "love the new ad, who made the music?",
    "what time does the store on main street open on sundays?",
    "when does the summer promo end?",
    "your support line has been on hold for 40 minutes, come on",
    "switched to you last month, so far so good",
    "thanks for fixing my router so quickly yesterday",
    "the store on main street had no stock again",
    "any plans for fibre in Rosario?",
    "my package says delivered but it is not here",
    "the website keeps logging me out",
]
URGENT = [
    "someone stole my card, this is fraud, help! my account was emptied",
    "my account was hacked and all my savings are gone, this is fraud",
    "fraud alert: charges I never made, my account is empty, please help now",
]
LONG = (
    "Long story, bear with me. I have been a customer for nine years and I have never had "
    "to write publicly, but the last three weeks were something else. "
) * 12


@dataclass
class Planned:
    at: float  # seconds after the start
    user: str
    text: str
    urgent: bool
    reply_to: int | None = None  # index of an earlier planned mention by the same user


@dataclass
class Sent:
    planned: Planned
    x_id: str
    sent_at: float  # wall clock (epoch seconds)


def users(rng: random.Random) -> tuple[list[str], list[str]]:
    return [f"cust{i}" for i in range(300)], [f"bigacct{i}" for i in range(20)]


def generate(seconds: float, rate: float, rng: random.Random) -> list[Planned]:
    """Background traffic at `rate` per second with bursts (a reply-guy thread, a news
    moment) of 4–8 posts within two seconds; 5 % urgent from large verified accounts,
    10 % long posts, 20 % replies in the customer's own earlier thread."""
    regular, large = users(rng)
    plan: list[Planned] = []
    t = 0.0
    while t < seconds:
        t += rng.expovariate(rate)
        times = [t]
        if rng.random() < 0.08:
            times += [t + rng.uniform(0, 2) for _ in range(rng.randint(3, 7))]
        for at in sorted(times):
            if at >= seconds:
                continue
            plan.append(_one(at, plan, regular, large, rng))
    return plan


def _one(
    at: float, plan: list[Planned], regular: list[str], large: list[str], rng: random.Random
) -> Planned:
    if rng.random() < URGENT_SHARE:
        return Planned(at, rng.choice(large), rng.choice(URGENT), urgent=True)
    earlier = [i for i, p in enumerate(plan) if not p.urgent and p.reply_to is None]
    if earlier and rng.random() < 0.2:
        index = rng.choice(earlier[-30:])
        return Planned(at, plan[index].user, "any news on this? still waiting", False, index)
    text = LONG if rng.random() < 0.1 else rng.choice(NOISE)
    return Planned(at, rng.choice(regular), text, urgent=False)


def add_customers(box: Sandbox, rng: random.Random) -> None:
    regular, large = users(rng)
    for name in regular:
        box.customer(name, followers=rng.randint(0, 5000))
    for name in large:
        box.customer(
            name, followers=rng.randint(100_000, 2_000_000), verified=True, verified_type="blue"
        )


def send(box: Sandbox, planned: Planned, sent: list[Sent]) -> Sent:
    reply_to = sent[planned.reply_to].x_id if planned.reply_to is not None else None
    post = box.mention(planned.user, planned.text, in_reply_to=reply_to)
    one = Sent(planned, str(post["id"]), time.time())
    sent.append(one)
    return one


# -- what reached Slack ----------------------------------------------------------------------
def slack_times(box: Sandbox) -> dict[int, float]:
    """Post id (ours) → when Slack accepted its message (the message's ts)."""
    found: dict[int, float] = {}
    for root in box.slack.messages(CHANNEL):
        for message in [root, *box.slack.thread(CHANNEL, root["ts"])]:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if (
                "post_id" in payload
                and (message.get("metadata") or {}).get("event_type") == "carethread_post"
            ):
                found[int(payload["post_id"])] = float(message["ts"])
    return found


def posts_by_x_id(box: Sandbox) -> dict[str, tuple[int, str, datetime]]:
    """X id → (post id, case priority, fetched at)."""
    assert box.runtime
    return posts_in(box.runtime.factory)


def posts_in(factory: sessionmaker[Session]) -> dict[str, tuple[int, str, datetime]]:
    """X id → (post id, case priority, fetched at), from the database `factory` opens."""
    with session_scope(factory) as session:
        rows = session.execute(
            select(Post.external_id, Post.id, Case.priority, Post.fetched_at).join(
                Case, Case.id == Post.case_id
            )
        ).all()
    return {x: (pid, prio, fetched) for x, pid, prio, fetched in rows}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- phases ---------------------------------------------------------------------------------
def overhead(box: Sandbox, count: int, rng: random.Random) -> dict[str, float]:
    """The bot's own work per post, timed one post at a time: ingest (dedupe, case) +
    triage + store + render its card. The posts are then marked as already in Slack."""
    runtime = build_runtime(box.settings())
    try:
        # Customers of their own: the flood's customers must not join these cases.
        regular = [f"warm{i}" for i in range(100)]
        large = [f"warmbig{i}" for i in range(10)]
        for name in regular:
            box.customer(name, followers=rng.randint(0, 5000))
        for name in large:
            box.customer(name, followers=500_000, verified=True, verified_type="blue")
        for i in range(2 * count):  # one half timed post by post, the other as one page
            urgent = rng.random() < URGENT_SHARE
            user = rng.choice(large if urgent else regular)
            text = rng.choice(URGENT) if urgent else (LONG if i % 10 == 0 else rng.choice(NOISE))
            box.mention(user, f"{text} #{i}")
        network = runtime.networks["x"]
        stream = next(s for s in network.streams() if s.name == "mentions")
        page = stream.fetch(None, datetime.now(UTC) - timedelta(hours=1), None)
        me = network.whoami()
        cycle = runtime.cycle
        timings: list[float] = []
        embedding: list[float] = []
        triaging: list[float] = []
        embed, triage = cycle.embed, cycle.triage

        def timed_triage(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return triage(*args) if triage else None
            finally:
                triaging.append(time.perf_counter() - started)

        def timed_embed(texts: Any) -> Any:
            started = time.perf_counter()
            try:
                return embed(texts) if embed else None
            finally:
                embedding.append(time.perf_counter() - started)

        for fetched in page.posts[:count]:
            started = time.perf_counter()
            with session_scope(runtime.factory) as session:
                brand = upsert_brand(session, "x", me)
                new = ingest_posts(
                    session,
                    brand,
                    [fetched],
                    timed_triage if triage else None,
                    route=cycle.route,
                    embed=timed_embed if embed else None,
                )
                for post in new:
                    case = session.get_one(Case, post.case_id)
                    snap = case_snapshot(session, case, runtime.networks.look(case.network))
                    if snap.first_post is not None:
                        blocks_as_dicts(build_case_card(snap.case, snap.first_post)[1])
            timings.append(time.perf_counter() - started)
        # The rest as a poll stores a page: one transaction, one encoder call.
        rest = page.posts[count:]
        started = time.perf_counter()
        with session_scope(runtime.factory) as session:
            brand = upsert_brand(session, "x", me)
            new = ingest_posts(session, brand, rest, triage, route=cycle.route, embed=embed)
            for post in new:
                case = session.get_one(Case, post.case_id)
                snap = case_snapshot(session, case, runtime.networks.look(case.network))
                if snap.first_post is not None:
                    blocks_as_dicts(build_case_card(snap.case, snap.first_post)[1])
        page_per_post = (time.perf_counter() - started) / max(1, len(rest))
        with session_scope(runtime.factory) as session:
            # Not part of the flood: as if they had been published before it.
            session.execute(update(Post).values(slack_ts="0.0"))
            for case in session.scalars(select(Case)):
                case.slack_channel, case.slack_ts = CHANNEL, f"0.{case.id:06d}"
    finally:
        runtime.stop()
    # The sentence encoder (similar past cases) is timed apart: a poll embeds a whole page
    # in one call, so one post at a time overstates it.
    without = [t - e for t, e in zip(timings, embedding, strict=False)] if embedding else timings
    return {
        "posts": len(timings),
        "p50_ms": pct(timings, 0.5) * 1000,
        "p95_ms": pct(timings, 0.95) * 1000,
        "without_embedding_p50_ms": pct(without, 0.5) * 1000,
        "without_embedding_p95_ms": pct(without, 0.95) * 1000,
        "embedding_p95_ms": pct(embedding, 0.95) * 1000 if embedding else 0.0,
        "triage_p95_ms": pct(triaging, 0.95) * 1000 if triaging else 0.0,
        "in_one_page_ms": page_per_post * 1000,
    }


def steady(box: Sandbox, seconds: float, rng: random.Random, progress: Progress) -> dict[str, Any]:
    plan = generate(seconds, 0.4, rng)
    sent: list[Sent] = []
    task = progress.add_task("steady traffic", total=len(plan))
    started = time.monotonic()
    for planned in plan:
        delay = planned.at - (time.monotonic() - started)
        if delay > 0:
            time.sleep(delay)
        send(box, planned, sent)
        progress.advance(task)
    wait_task = progress.add_task("  …waiting for Slack", total=len(sent))
    deadline = time.monotonic() + 60
    latencies: list[float] = []
    urgent_latencies: list[float] = []
    while time.monotonic() < deadline:
        ids, times = posts_by_x_id(box), slack_times(box)
        latencies, urgent_latencies = [], []
        for one in sent:
            known = ids.get(one.x_id)
            if known and known[0] in times:
                latency = times[known[0]] - one.sent_at
                latencies.append(latency)
                if one.planned.urgent:
                    urgent_latencies.append(latency)
        progress.update(wait_task, completed=len(latencies))
        if len(latencies) == len(sent):
            break
        time.sleep(0.5)
    return {
        "mentions": len(sent),
        "in_slack": len(latencies),
        "urgent": sum(s.planned.urgent for s in sent),
        "replies": sum(s.planned.reply_to is not None for s in sent),
        "long": sum(s.planned.text == LONG for s in sent),
        "p50_s": pct(latencies, 0.5),
        "p95_s": pct(latencies, 0.95),
        "max_s": max(latencies, default=float("nan")),
        "urgent_p95_s": pct(urgent_latencies, 0.95),
        "latencies": latencies,
    }


def burst(
    box: Sandbox, count: int, spread: float, drain: float, rng: random.Random, progress: Progress
) -> dict[str, Any]:
    """`count` mentions within `spread` seconds (X's mention timeline returns at most the
    800 most recent, so a poll sees a flood this fast in parts)."""
    regular, large = users(rng)
    sent: list[Sent] = []
    started = time.monotonic()
    for i in range(count):
        urgent = rng.random() < URGENT_SHARE
        text = rng.choice(URGENT) if urgent else rng.choice(NOISE)
        planned = Planned(0, rng.choice(large if urgent else regular), f"{text} ({i})", urgent)
        delay = i * spread / count - (time.monotonic() - started)
        if delay > 0:
            time.sleep(delay)
        send(box, planned, sent)
    posted_at = time.time()
    urgent_ids = {s.x_id for s in sent if s.planned.urgent}
    task = progress.add_task("burst: urgent in Slack", total=len(urgent_ids))
    refused_before = dict(box.slack.limits.refused)
    deadline = time.monotonic() + drain
    urgent_done: dict[str, float] = {}
    ids: dict[str, tuple[int, str, datetime]] = {}
    times: dict[int, float] = {}
    while time.monotonic() < deadline:
        time.sleep(1.0)
        ids, times = posts_by_x_id(box), slack_times(box)
        urgent_done = {x: times[ids[x][0]] for x in urgent_ids if x in ids and ids[x][0] in times}
        progress.update(task, completed=len(urgent_done))
    burst_ids = {s.x_id for s in sent}
    fetched = [ids[x][2].timestamp() for x in burst_ids if x in ids]
    # Each urgent post: from the end of the poll that stored it to its message in Slack.
    after_poll = [urgent_done[x] - ids[x][2].timestamp() for x in urgent_done]
    stored_at = max(fetched) if fetched else float("nan")  # the poll that fetched them ended
    first_fetch = min(fetched) if fetched else float("nan")
    flood_times = sorted(times[ids[x][0]] for x in burst_ids if x in ids and ids[x][0] in times)
    p1 = sum(1 for x in urgent_ids if x in ids and ids[x][1] == "P1")
    # Sustained rate: once the burst allowance is spent, messages per second against the
    # 1 per second the stand-in allows.
    steady_part = flood_times[BURST:]
    window = steady_part[-1] - steady_part[0] if len(steady_part) > 1 else float("nan")
    refused = {k: v - refused_before.get(k, 0) for k, v in box.slack.limits.refused.items()}
    return {
        "mentions": count,
        "urgent": len(urgent_ids),
        "urgent_triaged_p1": p1,
        "stored": len(fetched),
        "poll_seconds": stored_at - first_fetch,
        "stored_after_s": stored_at - posted_at,
        "urgent_all_in_slack_after_poll_s": (
            max(after_poll) if len(urgent_done) == len(urgent_ids) else float("nan")
        ),
        "urgent_after_poll_p50_s": pct(after_poll, 0.5),
        "urgent_in_slack": len(urgent_done),
        "posted_in_window": len(flood_times),
        "window_s": window,
        "rate_share": (len(steady_part) - 1) / window / RATE if window > 0 else float("nan"),
        "refused_429": refused,
        "curve": [t - first_fetch for t in flood_times],
        "urgent_curve": sorted(t - first_fetch for t in urgent_done.values()),
    }


def run(kind: str, args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    rng = random.Random(SEED)
    url, drop = database_url(kind)
    box = open_sandbox(url)
    policy = Path(tempfile.mkdtemp()) / "carethread.toml"
    # A 10-minute P3 target: 600 posts fit, so the burst is announced in the channel.
    policy.write_text('[targets.P3]\nfirst_response = "10m"\n', encoding="utf-8")
    env = {
        "POLL_INTERVAL_SECONDS": str(args.poll),
        "SLACK_POSTS_PER_SECOND": str(RATE),
        "SLACK_POST_BURST": str(BURST),
        "SLACK_UPDATES_PER_MINUTE": "50",
        "SLACK_CARD_COALESCE_SECONDS": "1",
        "CARETHREAD_CONFIG": str(policy),
    }
    try:
        add_customers(box, rng)
        box.overrides.update(env)
        cost = overhead(box, args.overhead_posts, rng)
        box.start_bot(scheduler=True)
        calm = steady(box, args.steady_seconds, rng, progress)
        flood = burst(box, args.burst, args.spread_seconds, args.drain_seconds, rng, progress)
        notices = [m for m in box.roots() if "backlog" in str(m.get("blocks"))]
        flood["backlog_notices"] = len(notices)
        return {
            "database": kind,
            "poll_s": args.poll,
            "overhead": cost,
            "steady": calm,
            "burst": flood,
        }
    finally:
        close_sandbox(box)
        drop()


def chart(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for result in results:
        latencies = sorted(result["steady"]["latencies"])
        if latencies:
            share = [(i + 1) / len(latencies) for i in range(len(latencies))]
            left.step(latencies, share, where="post", label=result["database"])
        curve = result["burst"]["curve"]
        right.plot(curve, range(1, len(curve) + 1), label=f"{result['database']}: posted")
        urgent = result["burst"]["urgent_curve"]
        right.scatter(urgent, [curve.index(t) + 1 if t in curve else 0 for t in urgent], s=8)
    poll = results[0]["poll_s"]
    left.axvline(poll + 2, color="grey", linestyle="--", label=f"goal: poll ({poll} s) + 2 s")
    left.set_xlabel("mention → Slack (s)")
    left.set_ylabel("share of mentions")
    left.set_title("Steady traffic")
    left.legend()
    if results and results[0]["burst"]["curve"]:
        end = max(r["burst"]["curve"][-1] for r in results if r["burst"]["curve"])
        right.plot(
            [0, end], [BURST, BURST + RATE * end], "k--", label="Slack allows (1/s, burst 4)"
        )
    right.set_xlabel("seconds after the first poll of the flood stored it")
    right.set_ylabel("messages in the channel")
    right.set_title(f"Burst of {results[0]['burst']['mentions']}: dots = urgent")
    right.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--steady-seconds", type=float, default=90)
    parser.add_argument("--spread-seconds", type=float, default=20)
    parser.add_argument("--drain-seconds", type=float, default=150)
    parser.add_argument("--overhead-posts", type=int, default=300)
    parser.add_argument("--poll", type=int, default=10)
    parser.add_argument("--chart", default="docs/flood.png")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    console = Console(stderr=True)
    results = []
    for kind in args.database:
        with Progress(
            TextColumn(f"[bold]{kind}[/bold] {{task.description}}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            results.append(run(kind, args, progress))
    for r in results:
        o, s, b = r["overhead"], r["steady"], r["burst"]
        print(f"== {r['database']} (poll every {r['poll_s']} s; Slack stand-in 1 msg/s, burst 4)")
        print(
            f"bot overhead per post   p50 {o['p50_ms']:.1f} ms  p95 {o['p95_ms']:.1f} ms; "
            f"without the sentence encoder p50 {o['without_embedding_p50_ms']:.1f} ms  "
            f"p95 {o['without_embedding_p95_ms']:.1f} ms (encoder p95 "
            f"{o['embedding_p95_ms']:.1f} ms, triage p95 {o['triage_p95_ms']:.1f} ms); "
            f"{o['in_one_page_ms']:.1f} ms per post when {o['posts']} are stored as one page"
        )
        print(
            f"steady mention→Slack    p50 {s['p50_s']:.1f} s  p95 {s['p95_s']:.1f} s  "
            f"max {s['max_s']:.1f} s  ({s['in_slack']}/{s['mentions']} mentions, "
            f"{s['urgent']} urgent, {s['replies']} replies, {s['long']} long)"
        )
        print(
            f"burst of {b['mentions']} within {args.spread_seconds:.0f} s: stored {b['stored']} "
            f"(polls over {b['poll_seconds']:.1f} s); {b['urgent']} urgent "
            f"({b['urgent_triaged_p1']} triaged P1; {b['urgent_in_slack']} in Slack): "
            f"after the poll that fetched each, p50 {b['urgent_after_poll_p50_s']:.1f} s, "
            f"all in {b['urgent_all_in_slack_after_poll_s']:.1f} s"
        )
        print(
            f"sustained posting rate  {b['rate_share'] * 100:.1f} % of allowed "
            f"after the burst allowance ({b['posted_in_window']} messages, "
            f"{b['window_s']:.0f} s at the pace; "
            f"429s {b['refused_429']}; backlog notices {b['backlog_notices']})"
        )
    chart(results, Path(args.chart))
    print(f"chart: {args.chart}")
    if args.json:
        slim = [
            {
                **r,
                "steady": {k: v for k, v in r["steady"].items() if k != "latencies"},
                "burst": {k: v for k, v in r["burst"].items() if "curve" not in k},
            }
            for r in results
        ]
        Path(args.json).write_text(json.dumps(slim, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
