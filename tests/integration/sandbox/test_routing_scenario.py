"""The demo's routing scenario plays to its end against the real bot and the stand-ins,
with the bot's own scheduler polling (as in the demo)."""

from __future__ import annotations

from pathlib import Path

from sandbox.scenarios.routing import (
    ARGENTINA,
    COMMUNITY,
    demo_routing_env,
    play_routing_scenario,
    seed_workspace,
    start_second_brand,
)
from tests.integration.harness import CHANNEL, Sandbox


def test_the_routing_scenario_plays_to_its_end(sqlite_sandbox: Sandbox, tmp_path: Path) -> None:
    second = start_second_brand()
    try:
        seed_workspace(sqlite_sandbox.slack, care=CHANNEL)
        env = demo_routing_env(tmp_path, care=CHANNEL, second=second)
        sqlite_sandbox.start_bot(scheduler=True, **env)
        steps: list[str] = []

        play_routing_scenario(
            sqlite_sandbox.x,
            second,
            sqlite_sandbox.slack,
            sqlite_sandbox.bot_url,
            care=CHANNEL,
            say=steps.append,
            timeout=30,
        )
    finally:
        sqlite_sandbox.stop_bot()
        second.stop()

    assert sum(step.startswith("✔") for step in steps) == 7
    slack = sqlite_sandbox.slack
    assert len(slack.messages(ARGENTINA)) == 1 and len(slack.messages(COMMUNITY)) == 1
