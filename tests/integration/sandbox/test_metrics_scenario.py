"""The demo's metrics scenario runs against the stand-ins and shows what it promises."""

from __future__ import annotations

from sandbox.scenarios.metrics import play_metrics
from tests.integration.harness import CHANNEL, Sandbox


def test_the_metrics_scenario(sqlite_sandbox: Sandbox) -> None:
    runtime = sqlite_sandbox.start_bot()
    shown = play_metrics(
        sqlite_sandbox.slack,
        sqlite_sandbox.bot_url,
        sqlite_sandbox.database_url,
        services=runtime.services,
        lead="U0LEAD",
        channel=CHANNEL,
    )
    assert shown["cases_seeded"] > 500
    assert len(shown["charts"]) == 3
    assert shown["spike"] and shown["spike"][0][1] == "open"
    alert = sqlite_sandbox.slack.last_message(CHANNEL)
    assert alert and "negative posts" in alert["text"]
