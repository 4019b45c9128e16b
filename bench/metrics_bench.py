"""How fast the metrics are on a large history.

Generates CASES cases (default 1,000,000 on PostgreSQL, 100,000 on SQLite) spread over two
years, with their customers, posts, replies and audit events, in bulk (COPY on PostgreSQL,
executemany on SQLite), after `db upgrade` (so with the migrations' indexes). Then times,
each the median of REPEAT runs:

- the 30-day Facebook response rate and time (`facebook_figures`);
- the 30-day per-agent table (`agent_table`);
- the whole 30-day report (`load_stats`: every figure of `stats 30d`);
- App Home for one agent (`load_home` + `build_home`).

Usage: python bench/metrics_bench.py [postgresql|sqlite] [cases]

Generating 1,000,000 cases takes minutes: with BENCH_DATABASE set (a PostgreSQL database
name, or a SQLite file path) the generated history is kept there and reused by the next run
that asks for the same number of cases (after `db upgrade`, so a new migration's indexes
are measured on the same rows). Without it, a throwaway database is dropped at the end.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from common import database_url, kept_database_url
from slack_sdk import WebClient
from sqlalchemy import text

from bot.config import Settings
from bot.metrics.aggregates import agent_table
from bot.metrics.queries import facebook_figures
from bot.networks.registry import Networks
from bot.reports.home import HomePublisher
from bot.reports.service import load_home, load_stats, period
from bot.services import Services
from bot.slack.builders.home import build_home
from bot.slack.directory import Directory
from storage.db import make_engine, make_session_factory, session_scope, upgrade

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
DAYS = 730
AGENTS = [f"U0AGENT{n:02d}" for n in range(20)]
HOME_AGENT = AGENTS[1]
INTENTS = ["complaint", "question", "praise", "other"]
SENTIMENTS = {
    "complaint": "negative",
    "question": "neutral",
    "praise": "positive",
    "other": "neutral",
}
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def rows(cases: int) -> dict[str, list[tuple]]:
    """Every table's rows for `cases` cases; the last two days' cases are still open (some
    unclaimed, in the queue)."""
    rng = random.Random(42)
    customers = max(1, cases * 2 // 5)
    out: dict[str, list[tuple]] = {k: [] for k in ("customer", "case", "post", "draft", "audit")}
    out["customer"] = [
        (n + 1, "x", f"ext{n + 1}", f"handle{n + 1}", "", rng.randrange(5000))
        for n in range(customers)
    ]
    post_id = draft_id = audit_id = 0
    start = NOW - timedelta(days=DAYS)
    span = DAYS * 86400
    for case_id in range(1, cases + 1):
        created = start + timedelta(seconds=span * case_id / cases)
        customer = rng.randrange(1, customers + 1)
        intent = rng.choice(INTENTS)
        priority = rng.choice(["P1", "P2", "P2", "P3", "P3", "P3"])
        agent = AGENTS[rng.randrange(len(AGENTS))]
        recent = NOW - created < timedelta(days=2)
        answered = rng.random() < 0.92 and not (recent and rng.random() < 0.5)
        reply_at = created + timedelta(seconds=rng.expovariate(1 / 1800)) if answered else None
        if reply_at and reply_at > NOW:
            reply_at = None
        status = ("replied" if reply_at else "claimed") if recent else "closed"
        # Half the recent unanswered cases nobody took yet: App Home's queue has work.
        if status == "claimed" and rng.random() < 0.5:
            status = "new"
        owner = agent if status != "new" else None
        closed_at = (
            None if recent else (reply_at or created) + timedelta(hours=rng.randrange(1, 48))
        )
        respond_by = created + timedelta(minutes={"P1": 15, "P2": 60, "P3": 1440}[priority])
        out["case"].append(
            (
                case_id,
                1,
                customer,
                "x",
                f"conv{case_id}",
                status,
                owner,
                priority,
                respond_by,
                created,
                created,
                reply_at,
                closed_at,
            )
        )
        triage = json.dumps(
            {
                "language": rng.choice(["es", "en"]),
                "intent": intent,
                "sentiment": SENTIMENTS[intent],
                "priority": priority,
                "reasons": [],
                "pii": [],
                "urgent_terms": [],
                "response_target_minutes": 60,
            }
        )
        for n in range(1 + (rng.random() < 0.5)):
            post_id += 1
            at = created + timedelta(minutes=90 * n)
            if at > NOW:
                break
            out["post"].append(
                (
                    post_id,
                    "x",
                    f"p{post_id}",
                    case_id,
                    customer,
                    "post text",
                    f"https://x.com/h/status/{post_id}",
                    at,
                    at,
                    triage,
                    priority,
                    f"{post_id}.000100",
                )
            )
        audit_id += 1
        out["audit"].append((audit_id, case_id, "carethread", "open", created))
        if owner:
            audit_id += 1
            claimed_at = created + timedelta(minutes=1)
            out["audit"].append((audit_id, case_id, agent, "claim", claimed_at))
        if reply_at:
            draft_id += 1
            out["draft"].append(
                (
                    draft_id,
                    case_id,
                    agent,
                    "@h thanks",
                    "public",
                    "posted",
                    created,
                    reply_at,
                    reply_at,
                )
            )
            audit_id += 1
            out["audit"].append((audit_id, case_id, "carethread", "post", reply_at))
        if closed_at:
            audit_id += 1
            out["audit"].append((audit_id, case_id, agent, "close", closed_at))
    return out


COLUMNS = {
    "customer": ", ".join(
        (
            "id",
            "network",
            "external_id",
            "handle",
            "name",
            "followers",
            "verified",
            "created_at",
            "updated_at",
        )
    ),
    "case": ", ".join(
        (
            '"id"',
            "brand_id",
            "customer_id",
            "network",
            "conversation_id",
            "status",
            "owner_slack_id",
            "priority",
            "respond_by",
            "created_at",
            "updated_at",
            "last_customer_post_at",
            "first_response_at",
            "closed_at",
        )
    ),
    "post": ", ".join(
        (
            "id",
            "network",
            "external_id",
            "case_id",
            "customer_id",
            "text",
            "url",
            "created_at",
            "fetched_at",
            "triage",
            "priority",
            "slack_ts",
            "source",
            "publicly_replyable",
            "meta",
            "reopens_case",
            "slack_attempts",
        )
    ),
    "draft": ", ".join(
        (
            "id",
            "case_id",
            "author_slack_id",
            "text",
            "visibility",
            "status",
            "written_after",
            "created_at",
            "updated_at",
            "posted_at",
            "send_attempts",
        )
    ),
    "audit_event": ", ".join(
        (
            "id",
            "case_id",
            "actor",
            "action",
            "created_at",
            "details",
        )
    ),
}


def shaped(table: str, data: dict[str, list[tuple]]) -> Iterator[tuple]:
    """Rows in COLUMNS order, with the constant columns filled in."""
    if table == "customer":
        for r in data["customer"]:
            yield (*r[:5], r[5], False, NOW, NOW)
    elif table == "case":
        for r in data["case"]:
            yield (
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[9],
                r[10],
                r[11],
                r[12],
            )
    elif table == "post":
        for r in data["post"]:
            yield (*r, "mention", True, "{}", False, 1)
    elif table == "draft":
        for r in data["draft"]:
            yield (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[6], r[6], r[8], 1)
    else:
        for r in data["audit"]:
            yield (*r, "{}")


def sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def load(engine, data: dict[str, list[tuple]]) -> None:  # type: ignore[no-untyped-def]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        cursor.execute(
            "INSERT INTO brand_account (id, network, external_id, handle, name, created_at) "
            + (
                "VALUES (1, 'x', 'brand', 'acme', 'Acme', %s)"
                if engine.dialect.name == "postgresql"
                else "VALUES (1, 'x', 'brand', 'acme', 'Acme', ?)"
            ),
            (NOW if engine.dialect.name == "postgresql" else sqlite_value(NOW),),
        )
        for table in ("customer", "case", "post", "draft", "audit_event"):
            columns = COLUMNS[table]
            name = '"case"' if table == "case" else table
            if engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in shaped(table, data):
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns.split(",")))
                cursor.executemany(
                    f"INSERT INTO {name} ({columns}) VALUES ({marks})",
                    ([sqlite_value(v) for v in row] for row in shaped(table, data)),
                )
        if engine.dialect.name == "postgresql":
            for table in ("customer", '"case"', "post", "draft", "audit_event"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")
            raw.commit()
            cursor.execute("ANALYZE")
        else:
            cursor.execute("COMMIT")
            cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def timed(what: Callable[[], object]) -> float:
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        what()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else "postgresql"
    cases = (
        int(sys.argv[2]) if len(sys.argv) > 2 else (1_000_000 if kind == "postgresql" else 100_000)
    )
    kept = os.environ.get("BENCH_DATABASE")
    if kept:
        url, existed = kept_database_url(kind, kept)
        drop: Callable[[], None] = lambda: None  # noqa: E731
    else:
        (url, drop), existed = database_url(kind), False
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            stored = connection.execute(text('SELECT count(*) FROM "case"')).scalar() or 0
        if existed and stored == cases:
            print(f"{kind}: reusing {stored} cases in {url}")
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        else:
            if stored:
                raise SystemExit(f"{url} holds {stored} cases, not {cases}: choose another name")
            started = time.perf_counter()
            data = rows(cases)
            load(engine, data)
            counts = {k: len(v) for k, v in data.items()}
            del data
            print(f"{kind}: generated and loaded {counts} in {time.perf_counter() - started:.1f} s")
        factory = make_session_factory(engine)
        month = NOW - timedelta(days=30)

        def facebook() -> object:
            with session_scope(factory) as session:
                return facebook_figures(session, NOW)

        def agents() -> object:
            with session_scope(factory) as session:
                return agent_table(session, month, NOW)

        settings = Settings(
            slack_bot_token="xoxb-bench", slack_signing_secret="s", slack_channel_id="C0BENCH"
        )
        client = WebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/")
        services = Services(
            settings=settings,
            factory=factory,
            networks=Networks([]),
            slack=client,
            thread=None,
            directory=Directory(client),
            sender=None,
            home=HomePublisher(),  # type: ignore[arg-type]
        )

        def report() -> object:
            # Everything `/carethread stats 30d` shows, misses per target included.
            return load_stats(services, period("30d", NOW))

        def home() -> object:
            view = load_home(services, HOME_AGENT, NOW)
            return build_home(view).to_dict()

        figures = facebook()
        thirty = figures.thirty_days  # type: ignore[attr-defined]
        print(f"  30-day response rate {thirty.rate:.3f} over {thirty.messages} counted messages")
        for name, what in [
            ("30-day response rate/time", facebook),
            ("30-day per-agent table", agents),
            ("30-day full report (stats 30d)", report),
            ("App Home for one agent", home),
        ]:
            print(f"  {name}: {timed(what) * 1000:.0f} ms (median of {REPEAT})")
    finally:
        engine.dispose()
        if kept:
            print(f"kept {url}")
        else:
            drop()


if __name__ == "__main__":
    main()
