"""Scheduled reports go out exactly once: checked every minute by every process, claimed by
one `report_delivery` row per report and due time, caught up after a restart that crossed
their time, tried again when Slack refused."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.reports.delivery import ReportKind, deliver_due_report, last_due
from storage.db import make_engine, make_session_factory, session_scope
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.metrics.stored import add_case, brand, customer

# Thursday 2026-12-03, 09:00 in Madrid is 08:00 UTC.
DUE = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
SETTINGS = {
    "DAILY_SUMMARY_TIME": "09:00",
    "REPORT_TIMEZONE": "Europe/Madrid",
    "WEEKLY_REPORT_DAY": "thursday",
}


def seed_yesterday(database_url: str) -> None:
    engine = make_engine(database_url)
    with session_scope(make_session_factory(engine)) as session:
        account = brand(session)
        for n in range(3):
            wrote = DUE - timedelta(hours=12 + n)
            add_case(
                session,
                account,
                customer(session, f"d{n}"),
                [wrote],
                [(wrote + 9 * MIN, "U0A")],
                slack_ts=f"1700000000.{n:06d}",  # long in Slack: only reports post now
            )
    engine.dispose()


def reports(sandbox: Sandbox, title: str) -> list[dict]:
    return [m for m in sandbox.slack.messages(CHANNEL) if m.get("text", "").startswith(title)]


def test_due_times_follow_the_local_clock() -> None:
    from datetime import time

    from bot.metrics.settings import MetricsSettings

    settings = MetricsSettings(
        daily_summary_at=time(9, 0), weekly_report_day=0, report_timezone="Europe/Madrid"
    )
    assert last_due(ReportKind.DAILY, settings, DUE) == DUE
    assert last_due(ReportKind.DAILY, settings, DUE - MIN) == DUE - timedelta(days=1)
    # Monday 30 November, 09:00 in Madrid.
    assert last_due(ReportKind.WEEKLY, settings, DUE) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    # Summer time: 09:00 in Madrid is 07:00 UTC.
    july = datetime(2026, 7, 1, 7, 30, tzinfo=UTC)
    assert last_due(ReportKind.DAILY, settings, july) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_the_daily_summary_is_posted_once_by_two_processes_checking_together(
    sandbox: Sandbox,
) -> None:
    seed_yesterday(sandbox.database_url)
    sandbox.start_bot(**SETTINGS)
    services = sandbox.runtime.services  # type: ignore[union-attr]

    # Not yet due: yesterday's 09:00 report is more than 12 hours old.
    assert deliver_due_report(services, ReportKind.DAILY, DUE - MIN) is None
    # Two processes (here two threads with their own sessions) check at the same moment.
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def check() -> None:
        start.wait()
        outcomes.append(deliver_due_report(services, ReportKind.DAILY, DUE + timedelta(seconds=20)))

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o is None for o in outcomes) == [False, True]
    # Every later check of the same morning finds it delivered.
    for later in (DUE + MIN, DUE + 2 * MIN, DUE + 11 * timedelta(hours=1)):
        assert deliver_due_report(services, ReportKind.DAILY, later) is None
    (summary,) = reports(sandbox, "Daily summary")
    shown = " ".join(sandbox.slack.message_texts(summary))
    assert "*Cases opened*\n3" in shown
    # Its charts are in its thread.
    assert len(sandbox.slack.thread(CHANNEL, summary["ts"])) >= 1


def test_a_restart_across_the_time_still_posts_it_and_a_restart_after_does_not_repeat_it(
    sandbox: Sandbox,
) -> None:
    seed_yesterday(sandbox.database_url)
    sandbox.start_bot(**SETTINGS)
    # The process was down from 08:55 to 09:40: its first check after the restart posts.
    sandbox.start_bot(**SETTINGS)
    services = sandbox.runtime.services  # type: ignore[union-attr]
    delivered = deliver_due_report(services, ReportKind.DAILY, DUE + 40 * MIN)
    assert delivered is not None and delivered.due_at == DUE
    # Restarted again at 10:15: the new process finds the 09:00 summary already posted.
    sandbox.start_bot(**SETTINGS)
    services = sandbox.runtime.services  # type: ignore[union-attr]
    assert deliver_due_report(services, ReportKind.DAILY, DUE + 75 * MIN) is None
    assert len(reports(sandbox, "Daily summary")) == 1
    # The weekly report (Thursday here) is its own delivery.
    assert deliver_due_report(services, ReportKind.WEEKLY, DUE + 75 * MIN) is not None
    assert len(reports(sandbox, "Weekly report")) == 1
    # Down for the whole day: the next morning's summary is too late at 21:30 (12.5 h).
    assert (
        deliver_due_report(services, ReportKind.DAILY, DUE + timedelta(days=1, hours=12.5)) is None
    )


def test_a_refused_post_is_tried_again_at_the_next_check(sandbox: Sandbox) -> None:
    seed_yesterday(sandbox.database_url)
    sandbox.start_bot(**SETTINGS)
    services = sandbox.runtime.services  # type: ignore[union-attr]
    sandbox.slack.server_error("chat.postMessage")
    assert deliver_due_report(services, ReportKind.DAILY, DUE) is None
    assert reports(sandbox, "Daily summary") == []
    assert deliver_due_report(services, ReportKind.DAILY, DUE + MIN) is not None
    assert deliver_due_report(services, ReportKind.DAILY, DUE + 2 * MIN) is None
    assert len(reports(sandbox, "Daily summary")) == 1
