"""What the service-level tests share: a clock they move, a policy file, and reading what
Slack shows (thread messages, the card's deadline, DMs)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage.models import utcnow
from tests.integration.harness import CHANNEL, Sandbox

ON_DUTY, ON_DUTY_MEMBER = "S0ONDUTY", "U0AGENT2"
LEADS = ("U0LEAD", "U0LEAD2")
ADMIN = "U0ADMIN"
FRAUD = "someone stole my card, this is fraud, help!"  # triaged P1
_DATE_TOKEN = re.compile(r"<!date\^(\d+)\^")


class MovableClock:
    """Now, as the deadline watcher sees it; starts at the real now and only moves forward."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def write_policy(directory: Path, text: str) -> str:
    path = directory / "carethread.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def policy_text(target: str = "2m", extra: str = "") -> str:
    """Every priority gets `target` for first and next response; on-duty, leads and an
    admin as the tests' workspace has them."""
    blocks = "".join(
        f'[targets.{p}]\nfirst_response = "{target}"\nnext_response = "{target}"\n'
        for p in ("P1", "P2", "P3")
    )
    leads = ", ".join(f'"{lead}"' for lead in LEADS)
    return (
        f'{blocks}{extra}\n[escalation]\non_duty = "{ON_DUTY}"\nleads = [{leads}]\n'
        f'[alerts]\nadmins = ["{ADMIN}"]\n'
    )


def seed_people(sandbox: Sandbox) -> None:
    sandbox.slack.add_user(ADMIN, "admin", real_name="Ada Admin")
    sandbox.slack.add_usergroup(ON_DUTY, "oncall", [ON_DUTY_MEMBER])


def thread_texts(sandbox: Sandbox, root: dict[str, Any]) -> list[str]:
    return [" ".join(sandbox.slack.message_texts(m)) for m in sandbox.thread_of(root)]


def sla_messages(sandbox: Sandbox, root: dict[str, Any], block_id: str) -> list[str]:
    """Thread messages of one kind: "sla_due_soon" or "sla_missed"."""
    return [
        " ".join(sandbox.slack.message_texts(m))
        for m in sandbox.thread_of(root)
        if any(b.get("block_id") == block_id for b in m.get("blocks", []))
    ]


def dm_texts(sandbox: Sandbox, user: str) -> list[str]:
    return [" ".join(sandbox.slack.message_texts(m)) for m in sandbox.slack.dms(user)]


def deadline_line(sandbox: Sandbox, index: int = 0) -> str:
    """The card's triage line, where its deadline shows."""
    root = sandbox.slack.messages(CHANNEL)[index]
    block = next(b for b in root["blocks"] if b.get("block_id") == "triage")
    return block["elements"][0]["text"]


def token_time(text: str) -> datetime:
    """The instant of the first Slack date token in `text`."""
    match = _DATE_TOKEN.search(text)
    assert match, text
    return datetime.fromtimestamp(int(match.group(1)), UTC)


def close_case(sandbox: Sandbox, root: dict[str, Any], user: str) -> None:
    """`user` presses Close on the card and confirms "answered" in the modal."""
    from bot.slack.ids import Action
    from sandbox.agent_story import card_status, click_card

    slack, url = sandbox.slack, sandbox.bot_url
    before = {v["id"] for v in slack.open_views(user)}
    click_card(slack, url, CHANNEL, root["ts"], user, Action.CLOSE)
    modal = slack.wait_for(
        lambda: next((v for v in slack.open_views(user) if v["id"] not in before), None)
    )
    slack.submit_view(
        url,
        user_id=user,
        view_id=modal["id"],
        values={
            "reason": {
                "reason": {"type": "radio_buttons", "selected_option": {"value": "answered"}}
            },
        },
    )
    slack.wait_for(lambda: "Closed" in card_status(slack, CHANNEL, root["ts"]))


def claim_and_wait(
    sandbox: Sandbox, root: dict[str, Any], user: str, url: str | None = None
) -> None:
    """`user` claims the case; returns once the card shows it (Bolt acks before it acts)."""
    from sandbox.agent_story import card_status, claim

    claim(sandbox.slack, url or sandbox.bot_url, CHANNEL, root["ts"], user)
    sandbox.slack.wait_for(lambda: "Claimed" in card_status(sandbox.slack, CHANNEL, root["ts"]), 10)
