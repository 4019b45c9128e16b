"""The metrics scenario for the demo: a week of history, the lead's Home tab, `/carethread
stats 7d` with its charts, and a spike alert.

How the demo calls it, once the bot runs against the stand-ins (after its own sample posts):

    from sandbox.scenarios.metrics import play_metrics
    play_metrics(slack, bot_url, database_url, services=runtime.services, lead="U0LEAD")

Everything goes through the real bot: the history is written to its database as ingest and
sending would have left it, the Home tab and the command are signed deliveries from the
Slack stand-in, and the spike check is the scheduled job's own function.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.reports.spikes import check_spikes
from bot.services import Services
from sandbox.slack_api import SlackStandIn
from storage.db import make_engine, make_session_factory, session_scope
from storage.enums import AuditAction, CaseStatus, DraftStatus, Visibility
from storage.models import AuditEvent, BrandAccount, Case, Customer, Draft, NetworkUsage, Post

AGENTS = ("U0AGENT1", "U0AGENT2")
COMPLAINTS = [
    "sin internet desde la mañana, la fibra no levanta",
    "me cobraron dos veces la factura",
    "the router keeps rebooting every hour",
    "outage again in my area, no service",
]
QUESTIONS = ["¿cómo cambio mi plan?", "how do I get an invoice copy?"]
PRAISE = ["¡gracias por la ayuda de ayer!", "great support, thanks"]


def _triage(intent: str, language: str) -> dict[str, Any]:
    sentiment = {"complaint": "negative", "question": "neutral", "praise": "positive"}[intent]
    return {
        "language": language,
        "intent": intent,
        "sentiment": sentiment,
        "priority": "P2",
        "reasons": [intent, sentiment],
        "pii": [],
        "urgent_terms": [],
        "response_target_minutes": 60,
    }


@dataclass
class _Seeder:
    session: Any
    brand: BrandAccount
    rng: random.Random
    number: int = 0

    def case(self, at: datetime, intent: str, *, reply_after: timedelta | None) -> None:
        self.number += 1
        n = self.number
        language = "es" if self.rng.random() < 0.6 else "en"
        text = self.rng.choice(
            {"complaint": COMPLAINTS, "question": QUESTIONS, "praise": PRAISE}[intent]
        )
        customer = Customer(
            network="x", external_id=f"demo-{n}", handle=f"cliente{n}", followers=n * 7
        )
        self.session.add(customer)
        self.session.flush()
        agent = AGENTS[n % 2]
        replied = reply_after is not None and at + reply_after < datetime.now(UTC)
        case = Case(
            brand_id=self.brand.id,
            customer_id=customer.id,
            network="x",
            conversation_id=f"demo-conv-{n}",
            status=CaseStatus.CLOSED if replied else CaseStatus.NEW,
            owner_slack_id=agent if replied else None,
            priority="P2",
            respond_by=at + timedelta(hours=1),
            created_at=at,
            last_customer_post_at=at,
            first_response_at=at + reply_after if replied and reply_after else None,
            closed_at=at + timedelta(hours=3) if replied else None,
        )
        self.session.add(case)
        self.session.flush()
        self.session.add(
            Post(
                network="x",
                external_id=f"demo-post-{n}",
                case_id=case.id,
                customer_id=customer.id,
                text=f"@{self.brand.handle} {text}",
                url=f"https://x.com/cliente{n}/status/{n}",
                created_at=at,
                fetched_at=at,
                triage=_triage(intent, language),
                priority="P2",
                slack_ts=f"{int(at.timestamp())}.{n:06d}",
            )
        )
        self.session.add(
            AuditEvent(case_id=case.id, actor="carethread", action=AuditAction.OPEN, created_at=at)
        )
        if replied and reply_after is not None:
            sent = at + reply_after
            self.session.add(
                AuditEvent(case_id=case.id, actor=agent, action=AuditAction.CLAIM, created_at=at)
            )
            self.session.add(
                Draft(
                    case_id=case.id,
                    author_slack_id=agent,
                    text="@cliente gracias, lo revisamos",
                    visibility=Visibility.PUBLIC,
                    status=DraftStatus.POSTED,
                    written_after=at,
                    posted_at=sent,
                    created_at=at,
                )
            )
            self.session.add(
                AuditEvent(
                    case_id=case.id,
                    actor=agent,
                    action=AuditAction.CLOSE,
                    created_at=at + timedelta(hours=3),
                )
            )


def seed_history(database_url: str, *, now: datetime | None = None, weeks: int = 4) -> int:
    """`weeks` of ordinary traffic (a few cases an hour in the day, answered in minutes) and
    today's X usage; returns how many cases were written."""
    now = now or datetime.now(UTC)
    rng = random.Random(7)
    engine = make_engine(database_url)
    with session_scope(make_session_factory(engine)) as session:
        brand = session.scalar(select(BrandAccount).where(BrandAccount.network == "x"))
        if brand is None:
            brand = BrandAccount(network="x", external_id="demo-brand", handle="acmeconecta")
            session.add(brand)
            session.flush()
        seeder = _Seeder(session, brand, rng)
        start = now - timedelta(days=7 * weeks)
        hour = start.replace(minute=0, second=0, microsecond=0)
        while hour < now - timedelta(hours=1):
            busy = 9 <= hour.hour < 20
            for _ in range(rng.randint(1, 4) if busy else rng.randint(0, 1)):
                at = hour + timedelta(minutes=rng.randrange(60))
                intent = rng.choices(["complaint", "question", "praise"], [5, 3, 2])[0]
                wait = timedelta(minutes=rng.expovariate(1 / 12)) if rng.random() < 0.93 else None
                seeder.case(at, intent, reply_after=wait)
            hour += timedelta(hours=1)
        for kind, count in (
            ("read:mentions", 240),
            ("reply", 38),
            ("reply_with_link", 3),
            ("private", 9),
        ):
            session.add(NetworkUsage(day=now.date(), network="x", kind=kind, count=count))
        written = seeder.number
    engine.dispose()
    return written


def seed_burst(database_url: str, *, now: datetime | None = None, posts: int = 40) -> None:
    """`posts` negative posts about one outage in the last half hour."""
    now = now or datetime.now(UTC)
    engine = make_engine(database_url)
    with session_scope(make_session_factory(engine)) as session:
        brand = session.scalar(select(BrandAccount).where(BrandAccount.network == "x"))
        assert brand is not None, "seed_history first"
        seeder = _Seeder(session, brand, random.Random(11), number=900_000)
        for n in range(posts):
            seeder.case(now - timedelta(seconds=45 * n), "complaint", reply_after=None)
    engine.dispose()


def play_metrics(
    slack: SlackStandIn,
    bot_url: str,
    database_url: str,
    *,
    services: Services,
    lead: str = "U0LEAD",
    channel: str = "C0CASES",
) -> dict[str, Any]:
    """Seed a month, open the lead's Home, ask `/carethread stats 7d`, then a burst of
    complaints and one spike check. Returns what Slack now shows, for the demo to print."""
    cases = seed_history(database_url)
    slack.open_home(bot_url, user_id=lead)
    home = slack.wait_for(lambda: slack.home(lead), 10)
    before = len(slack.ephemerals(lead))
    slack.command(bot_url, user_id=lead, channel=channel, text="stats 7d")
    stats = slack.wait_for(lambda: len(e := slack.ephemerals(lead)) > before and e[-1], 30)
    seed_burst(database_url)
    spikes = check_spikes(services)
    return {
        "cases_seeded": cases,
        "home_blocks": len(home["blocks"]),
        "stats_text": stats.get("text", ""),
        "charts": [
            b["slack_file"]["id"] for b in stats.get("blocks", []) if b.get("type") == "image"
        ],
        "spike": [(s.brand, s.step.value, s.check.counts.negative) for s in spikes],
    }
