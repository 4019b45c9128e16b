"""Routing's test steps: a policy file with team channels, and what a channel shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.slack.ids import Action
from sandbox.slack_api import SlackStandIn
from tests.integration.harness import Sandbox

CARE, COMMUNITY, CARE_EN = "C0CARE0001", "C0COMMUNITY1", "C0CAREEN01"
TEAM_CHANNELS = {CARE: "care", COMMUNITY: "community", CARE_EN: "care-en"}
RULES = f"""\
[routing.channels]
care = "{CARE}"
community = "{COMMUNITY}"
care-en = "{CARE_EN}"

[[routing.rules]]
intent = ["complaint", "question"]
channel = "care"

[[routing.rules]]
intent = ["praise", "other"]
channel = "community"
"""


def start_routed(sandbox: Sandbox, directory: Path, rules: str = RULES, **env: str) -> None:
    """The bot with `rules` as its policy file and the teams' channels in the workspace."""
    policy = directory / "carethread.toml"
    policy.write_text(rules, encoding="utf-8")
    for channel, name in TEAM_CHANNELS.items():
        if channel not in sandbox.slack.workspace.channels:
            sandbox.slack.add_channel(channel, name)
    sandbox.start_bot(CARETHREAD_CONFIG=str(policy), **env)


def text_of(slack: SlackStandIn, message: dict[str, Any]) -> str:
    return " ".join(slack.message_texts(message))


def menu_value(message: dict[str, Any], label: str) -> str:
    """The value of the card menu's option labelled `label` (KeyError when absent)."""
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    menu = next(e for e in actions["elements"] if e["action_id"] == Action.CASE_MORE)
    return {o["text"]["text"]: o["value"] for o in menu["options"]}[label]
