"""The worked example of docs/metrics.md as records: one week of a brand's conversations.

Times are UTC; "now" is Friday 2026-03-27 12:00. Each customer has one case, except Ana,
who wrote three times in one case.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.metrics.definitions import CaseRecord, CustomerPost, Reply
from storage.enums import CaseStatus, Priority

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


# (customer, case id, [customer post times], [(reply time, author)])
CONVERSATIONS = [
    # Ana: a first message, one 20 h after our reply (same conversation), one 25 h after
    # her last message (a new one).
    (
        "ana",
        1,
        [at(23, 9, 0), at(24, 5, 4), at(25, 6, 30)],
        [(at(23, 9, 4), "U0MARIA"), (at(24, 5, 30), "U0MARIA"), (at(25, 6, 36), "U0JORDAN")],
    ),
    ("ben", 2, [at(26, 10, 0)], [(at(26, 10, 2), "U0MARIA")]),
    ("carla", 3, [at(26, 10, 0)], [(at(26, 10, 3), "U0MARIA")]),
    ("dani", 4, [at(26, 10, 0)], [(at(26, 10, 5), "U0JORDAN")]),
    ("eva", 5, [at(26, 10, 0)], [(at(26, 10, 7), "U0JORDAN")]),
    ("fede", 6, [at(26, 10, 0)], [(at(26, 10, 8), "U0MARIA")]),
    ("gabi", 7, [at(26, 10, 0)], [(at(26, 10, 9), "U0JORDAN")]),
    ("hugo", 8, [at(26, 10, 0)], [(at(26, 10, 10), "U0MARIA")]),
    ("ines", 9, [at(26, 0, 0)], [(at(26, 5, 0), "U0JORDAN")]),
    ("juan", 10, [at(27, 11, 0)], []),
]
CUSTOMER_IDS = {name: index + 1 for index, (name, *_rest) in enumerate(CONVERSATIONS)}


def cases() -> list[CaseRecord]:
    return [
        CaseRecord(
            id=case_id,
            customer=CUSTOMER_IDS[name],
            network="x",
            priority=Priority.P2,
            status=CaseStatus.REPLIED if replies else CaseStatus.NEW,
            created_at=posts[0],
        )
        for name, case_id, posts, replies in CONVERSATIONS
    ]


def posts() -> list[CustomerPost]:
    return [
        CustomerPost(case_id=case_id, customer=CUSTOMER_IDS[name], at=when, network="x")
        for name, case_id, times, _ in CONVERSATIONS
        for when in times
    ]


def replies() -> list[Reply]:
    return [
        Reply(case_id=case_id, at=when, author=author)
        for _, case_id, _, answers in CONVERSATIONS
        for when, author in answers
    ]
