"""Misses per target, read from the SLA policy and counted by the deadline watcher's clock:
business hours where a target uses them, and the same targets in calendar time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.metrics.targets import (
    CaseTimeline,
    TargetCount,
    business_hours,
    calendar_policy,
    count_misses,
    response_targets,
    uses_business_hours,
)
from bot.sla.clock import Closed, CustomerPost, OurReply
from bot.sla.policy import TargetKind, default_policy, parse_policy
from storage.enums import Priority

POLICY_TEXT = """
[targets.P1]
first_response = "15m"
next_response = "15m"
resolution = "1d"

[targets.P2]
first_response = "2h"
next_response = "1h"
hours = "support"

[teams.support]
time_zone = "UTC"
weekdays = "09:00-17:00"
"""
POLICY = parse_policy(POLICY_TEXT)
FIRST, NEXT, RESOLUTION = TargetKind.FIRST_RESPONSE, TargetKind.NEXT_RESPONSE, TargetKind.RESOLUTION
P1, P2 = Priority.P1, Priority.P2
# Friday 27 March 2026 to Monday 30 March 12:00, UTC.
START = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
END = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def timelines() -> dict[int, CaseTimeline]:
    return {
        # P2 at Friday 16:30, answered Monday 09:45: 75 business minutes (hit), 65 h of
        # calendar time (missed).
        1: CaseTimeline("x", [CustomerPost(at(27, 16, 30), P2), OurReply(at(30, 9, 45))]),
        # P2 at Friday 10:00, answered 12:30: 2.5 h either way (missed).
        2: CaseTimeline("x", [CustomerPost(at(27, 10), P2), OurReply(at(27, 12, 30))]),
        # P1: first response in 10 min (hit), next in 20 min (missed), closed after 26 h
        # (resolution missed).
        3: CaseTimeline(
            "x",
            [
                CustomerPost(at(27, 10), P1),
                OurReply(at(27, 10, 10)),
                CustomerPost(at(27, 11), P1),
                OurReply(at(27, 11, 20)),
                Closed(at(28, 12)),
            ],
        ),
        # P1 on Friday night, still unanswered on Monday: first response and resolution
        # missed.
        4: CaseTimeline("x", [CustomerPost(at(27, 23), P1)]),
        # Opened before the period: none of its targets count.
        5: CaseTimeline("x", [CustomerPost(at(26, 9), P2), OurReply(at(27, 15))]),
    }


def test_misses_per_target_by_the_policy_clocks() -> None:
    assert count_misses(timelines(), POLICY, START, END) == [
        TargetCount(FIRST, P1, missed=1, started=2),
        TargetCount(FIRST, P2, missed=1, started=2),
        TargetCount(NEXT, P1, missed=1, started=1),
        TargetCount(RESOLUTION, P1, missed=2, started=2),
    ]


def test_the_same_targets_in_calendar_time() -> None:
    assert uses_business_hours(POLICY)
    assert business_hours(POLICY).name == "support"  # type: ignore[union-attr]
    calendar = count_misses(timelines(), calendar_policy(POLICY), START, END)
    assert TargetCount(FIRST, P2, missed=2, started=2) in calendar
    assert not uses_business_hours(calendar_policy(POLICY))


def test_targets_come_from_the_policy() -> None:
    assert response_targets(POLICY)[P2] == timedelta(hours=2)
    # Without a policy file: RESPONSE_TARGET_MINUTES, calendar time, no resolution target.
    default = default_policy()
    assert response_targets(default) == {
        Priority.P1: timedelta(minutes=15),
        Priority.P2: timedelta(hours=1),
        Priority.P3: timedelta(days=1),
    }
    assert not uses_business_hours(default) and business_hours(default) is None
    kinds = {c.kind for c in count_misses(timelines(), default, START, END)}
    assert kinds == {FIRST, NEXT}
