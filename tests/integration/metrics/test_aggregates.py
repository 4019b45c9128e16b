"""The figures computed in the database (`bot.metrics.aggregates`) equal the Python
definitions, on a generated history with the awkward cases: exactly 24 h of silence, a
reply at the same instant as a post, several cases per customer, unanswered messages,
replies before the window to cases still answered in it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.metrics.aggregates import (
    agent_table,
    counted_between,
    responsiveness_between,
    responsiveness_since,
)
from bot.metrics.definitions import (
    RATE_WINDOW,
    counted_messages,
    messages_of,
    period_stats,
    responsiveness,
)
from bot.metrics.queries import load_activity
from storage.db import session_scope
from tests.integration.metrics.stored import add_case, brand, customer

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
AGENTS = ["U0ANA", "U0BEA", "U0CARL"]


def store_history(session, seed: int = 7) -> None:
    rng = random.Random(seed)
    account = brand(session)
    people = [customer(session, f"h{n}") for n in range(25)]
    for n in range(160):
        person = people[rng.randrange(len(people))]
        opened = NOW - timedelta(days=40) + timedelta(minutes=rng.randrange(40 * 24 * 60))
        posts = [opened]
        replies: list[tuple[datetime, str]] = []
        at = opened
        for _ in range(rng.randrange(4)):
            at += rng.choice(
                [
                    timedelta(hours=24),  # exactly a day of silence: counts
                    timedelta(minutes=rng.randrange(1, 600)),
                    timedelta(hours=rng.randrange(20, 30)),
                    timedelta(),  # a reply at the same instant as the post
                ]
            )
            if at >= NOW:
                break
            if rng.random() < 0.6:
                replies.append((at, rng.choice(AGENTS)))
            else:
                posts.append(at)
        if n % 9 == 0:
            replies = []  # never answered
        add_case(session, account, person, sorted(posts), sorted(replies), owner=AGENTS[n % 3])


def test_the_database_counts_as_the_definitions_do(factory) -> None:
    with session_scope(factory) as session:
        store_history(session)
    windows = []
    for days in (30, 7, 1):
        start = NOW - timedelta(days=days)
        with session_scope(factory) as session:
            activity = load_activity(session, start - RATE_WINDOW, NOW)
            in_python = counted_messages(
                messages_of(activity.posts, activity.replies, activity.cases)
            )
            expected = responsiveness(in_python, start=start, end=NOW)
            assert counted_between(session, start, NOW) == [
                c for c in in_python if start <= c.at < NOW
            ]
            assert responsiveness_between(session, start, NOW) == expected
            agents = period_stats(activity, start=start, end=NOW, targets={}).agents
            assert agent_table(session, start, NOW) == agents
            windows.append(expected)
    # The windows from one pass over the month's messages.
    with session_scope(factory) as session:
        together = responsiveness_since(session, [w.start for w in windows], NOW)
    assert together == windows
    assert expected.messages > 0 and any(a.median_response for a in agents)
