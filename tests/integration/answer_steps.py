"""Steps and checks shared by the answering tests (beyond `sandbox.agent_story`)."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.ids import Action
from sandbox.agent_story import dm_channel, press
from sandbox.slack_api import SlackStandIn, parse_args
from tests.integration.harness import CHANNEL, Sandbox


def root_case_id(sandbox: Sandbox) -> str:
    """The case id of the channel's first card, as its overflow menu carries it."""
    menu = [b for b in sandbox.roots()[0]["blocks"] if b["type"] == "actions"][0]["elements"][-1]
    return menu["options"][0]["value"].split(":")[1]


def card_action_ids(root: dict[str, Any]) -> list[str]:
    """The action ids of a card's actions block, in order."""
    actions = next(b for b in root["blocks"] if b["type"] == "actions")
    return [e["action_id"] for e in actions["elements"]]


def card_menu(root: dict[str, Any]) -> dict[str, str]:
    """The card's overflow menu: option label → value."""
    actions = next(b for b in root["blocks"] if b["type"] == "actions")
    menu = next(e for e in actions["elements"] if e["action_id"] == Action.CASE_MORE)
    return {o["text"]["text"]: o["value"] for o in menu["options"]}


def choose_from_card_menu(sandbox: Sandbox, user: str, label: str) -> None:
    """`user` picks the option labelled `label` in the first card's overflow menu."""
    root = sandbox.roots()[0]
    status, body = sandbox.slack.click(
        sandbox.bot_url,
        user_id=user,
        channel=CHANNEL,
        message_ts=root["ts"],
        action_id=Action.CASE_MORE,
        selected_option=card_menu(root)[label],
    )
    assert status == 200, body


def approve_from_dm(sandbox: Sandbox, approver: str, containing: str | None = None) -> None:
    """`approver` presses Approve in their DM: the only one, or the one showing `containing`."""
    slack = sandbox.slack
    if containing is None:
        (dm,) = slack.wait_for(lambda: slack.dms(approver))
    else:
        dm = slack.wait_for(
            lambda: next(
                (d for d in slack.dms(approver) if containing in " ".join(slack.message_texts(d))),
                None,
            )
        )
    status, _ = press(
        slack, sandbox.bot_url, dm_channel(slack, approver), dm["ts"], approver, Action.APPROVE
    )
    assert status == 200


def sent_to_slack(slack: SlackStandIn, *, except_ephemeral_responses: bool = False) -> str:
    """Everything the bot sent to Slack so far (Web API calls and response_url posts),
    decoded, as one string to search. Optionally without the ephemeral respond() posts."""
    with slack.lock:
        requests = list(slack.requests)
    parts = []
    for request in requests:
        if request.path.startswith("/api/"):
            parts.append(json.dumps(parse_args(request), ensure_ascii=False))
        elif request.path.startswith("/response/"):
            body = request.json() if request.body else {}
            is_ephemeral = isinstance(body, dict) and body.get("response_type") == "ephemeral"
            if not (except_ephemeral_responses and is_ephemeral):
                parts.append(json.dumps(body, ensure_ascii=False))
    return "\n".join(parts)
