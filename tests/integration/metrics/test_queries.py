"""The SQL layer feeds the definitions the same records on SQLite and PostgreSQL: the
worked example of docs/metrics.md, stored as the bot stores it, gives the same figures."""

from __future__ import annotations

from datetime import timedelta

from bot.metrics.queries import load_report, queue_now
from storage.db import session_scope
from storage.enums import Priority
from tests.integration.metrics.stored import add_case, brand, customer
from tests.unit.metrics import timeline
from tests.unit.metrics.timeline import NOW

MIN = timedelta(minutes=1)
TARGETS = {Priority.P1: 15 * MIN, Priority.P2: 60 * MIN, Priority.P3: timedelta(days=1)}


def store_worked_example(session) -> None:
    account = brand(session)
    for name, _case_id, posts, replies in timeline.CONVERSATIONS:
        add_case(session, account, customer(session, name), posts, replies)
    # Outside every window: a case from last year must not change anything.
    add_case(session, account, customer(session, "old"), [NOW - timedelta(days=300)])


def test_the_worked_example_from_the_database(factory) -> None:
    with session_scope(factory) as session:
        store_worked_example(session)
    with session_scope(factory) as session:
        report = load_report(session, NOW - timedelta(days=7), NOW, TARGETS)
    month = report.facebook.thirty_days
    assert (month.messages, month.answered, month.response_time) == (11, 10, 6 * MIN)
    assert report.facebook.earns_badge is True
    stats = report.stats
    assert (stats.first_response.median, stats.first_response.p90) == (7 * MIN, 68 * MIN)
    assert stats.next_response.median == 16 * MIN
    assert stats.misses[Priority.P2] == 1
    assert stats.volume.posts == 12 and stats.volume.by_sentiment == {"negative": 12}
    assert {a.agent: a.replied for a in stats.agents} == {"U0MARIA": 6, "U0JORDAN": 5}


def test_a_quiet_month_falls_back_to_the_last_ten_messages(factory) -> None:
    with session_scope(factory) as session:
        account = brand(session)
        for n in range(12):
            wrote = NOW - timedelta(days=40 + n)
            add_case(
                session, account, customer(session, f"c{n}"), [wrote], [(wrote + 5 * MIN, "U0A")]
            )
    with session_scope(factory) as session:
        report = load_report(session, NOW - timedelta(days=7), NOW, TARGETS)
    month = report.facebook.thirty_days
    assert (month.messages, month.answered, month.response_time) == (10, 10, 5 * MIN)
    assert report.facebook.earns_badge is None  # nobody wrote in the last 7 days


def test_what_waits_now(factory) -> None:
    with session_scope(factory) as session:
        account = brand(session)
        add_case(session, account, customer(session, "a"), [NOW - 2 * MIN], respond_by=NOW + MIN)
        add_case(
            session,
            account,
            customer(session, "b"),
            [NOW - 90 * MIN],
            respond_by=NOW - 30 * MIN,
            owner="U0MARIA",
        )
        add_case(
            session,
            account,
            customer(session, "c"),
            [NOW - 90 * MIN],
            [(NOW - 80 * MIN, "U0MARIA")],
        )
    with session_scope(factory) as session:
        now = queue_now(session, NOW)
    assert (now.waiting, now.overdue, now.unclaimed) == (2, 1, 1)
