"""Reminder, miss and listening messages: who they ping, what they say, and safe text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.slack.builders.alerts import (
    DeadlineNotice,
    build_due_soon_reminder,
    build_listening_alert,
    build_miss_dm,
    build_miss_message,
)
from bot.slack.builders.common import blocks_as_dicts

DUE = datetime(2026, 11, 23, 10, 45, tzinfo=UTC)


def notice(owner: str | None = "U0MARIA", handle: str = "lucia") -> DeadlineNotice:
    return DeadlineNotice("first response", "P1", timedelta(minutes=15), DUE, handle, owner)


def rendered(message) -> str:
    return json.dumps(blocks_as_dicts(message[1]), ensure_ascii=False)


def test_a_reminder_names_the_owner_or_else_the_on_duty_group():
    owned = rendered(build_due_soon_reminder(notice(), ["S0ONDUTY"]))
    assert "<@U0MARIA>" in owned and "subteam" not in owned and "15 min target" in owned
    unclaimed = rendered(build_due_soon_reminder(notice(owner=None), ["S0ONDUTY", "U0ONE"]))
    assert "<!subteam^S0ONDUTY> <@U0ONE> nobody has claimed" in unclaimed
    nobody = rendered(build_due_soon_reminder(notice(owner=None), []))
    assert "🟠 nobody has claimed" in nobody


def test_a_miss_pings_owner_and_on_duty_only_when_escalating():
    loud = rendered(build_miss_message(notice(), ["S0ONDUTY"], escalate=True))
    assert "<@U0MARIA> <!subteam^S0ONDUTY> please answer @lucia now" in loud
    assert "({ago})" in loud
    quiet = rendered(build_miss_message(notice(), ["S0ONDUTY"], escalate=False))
    assert "<@" not in quiet and "subteam" not in quiet


def test_text_from_the_internet_is_escaped():
    evil = notice(handle="x<!channel>")
    for message in (
        build_due_soon_reminder(evil, []),
        build_miss_message(evil, [], escalate=True),
        build_miss_dm(evil, None),
    ):
        assert "<!channel>" not in rendered(message)
    alert = rendered(build_listening_alert("X said <!here>", DUE, "fix X_API_KEY"))
    assert "<!here>" not in alert and "X_API_KEY" in alert


def test_the_lead_dm_links_the_thread():
    dm = rendered(build_miss_dm(notice(), "https://example.slack.com/archives/C1/p1"))
    assert "<https://example.slack.com/archives/C1/p1|Open the thread>" in dm
