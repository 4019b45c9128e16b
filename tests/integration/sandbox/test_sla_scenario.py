"""The demo's service-level scenario plays to the end against the real bot (with its
scheduler, in real time, on a very short demo target)."""

from __future__ import annotations

import pytest

from sandbox.scenarios.sla import demo_policy_env, play_sla_scenario, seed_workspace
from tests.integration.harness import CHANNEL


@pytest.mark.timeout(90)
def test_the_sla_scenario_shows_amber_reminder_miss_and_a_listening_alert(sqlite_sandbox, tmp_path):
    seed_workspace(sqlite_sandbox.slack)
    sqlite_sandbox.start_bot(scheduler=True, **demo_policy_env(tmp_path, target="6s"))
    said: list[str] = []
    play_sla_scenario(
        sqlite_sandbox.x,
        sqlite_sandbox.slack,
        sqlite_sandbox.bot_url,
        CHANNEL,
        say=said.append,
        timeout=30,
    )
    steps = [line for line in said if line.startswith("✔")]
    assert len(steps) == 8, said
    assert len(sqlite_sandbox.slack.dms("U0ADMIN")) == 2
    assert len(sqlite_sandbox.slack.dms("U0LEAD")) == 1
