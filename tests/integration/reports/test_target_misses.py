"""Misses per target in `stats` and the reports: the SLA policy file's targets, counted from
the cases as the bot stored them, on both databases, with the business-hours and calendar
variants shown."""

from __future__ import annotations

from pathlib import Path

from bot.metrics.queries import load_case_timelines
from bot.reports.service import load_stats
from bot.reports.views import Period
from bot.sla.watcher import load_timelines
from bot.slack.builders.reports import build_stats
from storage.db import make_engine, make_session_factory, session_scope
from storage.enums import CaseStatus, Priority
from tests.integration.harness import Sandbox
from tests.integration.metrics.stored import add_case, brand, customer
from tests.unit.metrics.test_targets import END, POLICY_TEXT, START, at


def store_cases(database_url: str) -> None:
    engine = make_engine(database_url)
    with session_scope(make_session_factory(engine)) as session:
        account = brand(session)
        P1, P2 = Priority.P1, Priority.P2

        def case(name: str, posts, replies=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
            add_case(
                session,
                account,
                customer(session, name),
                posts,
                [(r, "U0A") for r in replies],
                **kwargs,
            )

        case("one", [at(27, 16, 30)], [at(30, 9, 45)], priority=P2)
        case("two", [at(27, 10)], [at(27, 12, 30)], priority=P2)
        case(
            "three",
            [at(27, 10), at(27, 11)],
            [at(27, 10, 10), at(27, 11, 20)],
            priority=P1,
            status=CaseStatus.CLOSED,
            closed_at=at(28, 12),
        )
        case("four", [at(27, 23)], priority=P1)
        case("five", [at(26, 9)], [at(27, 15)], priority=P2)
    engine.dispose()


def test_stats_show_misses_per_target_and_business_hours(sandbox: Sandbox, tmp_path: Path) -> None:
    store_cases(sandbox.database_url)
    policy = tmp_path / "carethread.toml"
    policy.write_text(POLICY_TEXT, encoding="utf-8")
    sandbox.start_bot(CARETHREAD_CONFIG=str(policy))
    services = sandbox.runtime.services  # type: ignore[union-attr]

    view = load_stats(services, Period("custom", "Friday to Monday", START, END))
    assert view.misses is not None and view.misses.hours == "support"
    text, blocks = build_stats(view)
    shown = " ".join(sandbox.slack.message_texts({"blocks": [b.to_dict() for b in blocks]}))
    assert "*Missed targets (business hours, support)*" in shown
    assert "First response: P1 1 of 2 · P2 1 of 2" in shown
    assert "Next response: P1 1 of 1" in shown
    assert "Resolution: P1 2 of 2" in shown
    assert "_In calendar time: First response: P1 1 of 2 · P2 2 of 2;" in shown
    # The times in the team's hours: case one waited 75 open minutes, case two 150.
    assert view.business is not None
    assert "*In business hours (support)* first response median" in shown


def test_the_timelines_are_the_deadline_watchers(sandbox: Sandbox) -> None:
    store_cases(sandbox.database_url)
    engine = make_engine(sandbox.database_url)
    with session_scope(make_session_factory(engine)) as session:
        ours = load_case_timelines(session, START, END)
        theirs = load_timelines(session, ours)
    engine.dispose()
    assert len(ours) == 4  # case five had no post in the period
    assert {case_id: t.events for case_id, t in ours.items()} == theirs


def test_without_a_policy_file_the_default_targets_count(sandbox: Sandbox) -> None:
    store_cases(sandbox.database_url)
    sandbox.start_bot()
    services = sandbox.runtime.services  # type: ignore[union-attr]
    view = load_stats(services, Period("custom", "Friday to Monday", START, END))
    _, blocks = build_stats(view)
    shown = " ".join(sandbox.slack.message_texts({"blocks": [b.to_dict() for b in blocks]}))
    # P2's first response within 1 h of calendar time: both missed; no resolution target.
    assert "*Missed targets*" in shown and "P2 2 of 2" in shown
    assert "Resolution:" not in shown and "calendar time" not in shown
    assert view.business is None and "In business hours" not in shown
