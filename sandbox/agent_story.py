"""Play the people: an agent claims a case and drafts a reply, an approver approves it.

Every step is a real, signed interaction delivered to the bot through the Slack stand-in
(`click`, `submit_view`), exactly as Slack would send it, so the demo and the tests drive
the same code paths a workspace does.
"""

from __future__ import annotations

import time
from typing import Any

from bot.slack.ids import Action, Callback, MessageKind
from sandbox.slack_api import SlackStandIn

WAIT_SECONDS = 10.0


def click_card(
    slack: SlackStandIn, bot_url: str, channel: str, case_ts: str, user: str, action: str
) -> None:
    """`user` presses a button on the case's root message."""
    _ok(slack.click(bot_url, user_id=user, channel=channel, message_ts=case_ts, action_id=action))


def claim(slack: SlackStandIn, bot_url: str, channel: str, case_ts: str, user: str) -> None:
    click_card(slack, bot_url, channel, case_ts, user, Action.CLAIM)


def open_draft_modal(
    slack: SlackStandIn, bot_url: str, channel: str, case_ts: str, user: str
) -> dict[str, Any]:
    """Press "Draft reply" and return the modal that opened."""
    before = {v["id"] for v in slack.open_views(user)}
    click_card(slack, bot_url, channel, case_ts, user, Action.DRAFT)
    return slack.wait_for(
        lambda: next(
            (
                v
                for v in slack.open_views(user)
                if v["id"] not in before and v["callback_id"] == Callback.DRAFT
            ),
            None,
        ),
        WAIT_SECONDS,
    )


def draft_values(
    text: str, visibility: str, text_block: str = "text"
) -> dict[str, dict[str, dict]]:
    """What the draft modal holds after typing `text` and choosing `visibility` (the reply
    box's block id carries a version once the bot replaced its text: "text~1")."""
    return {
        text_block: {"text": {"type": "plain_text_input", "value": text}},
        "visibility": {
            "visibility": {"type": "radio_buttons", "selected_option": {"value": visibility}}
        },
    }


def submit_draft(
    slack: SlackStandIn, bot_url: str, user: str, view_id: str, text: str, visibility: str
) -> dict[str, Any]:
    """Press "Save draft"; returns the bot's answer ({} when accepted, errors otherwise)."""
    box = next(
        b["block_id"]
        for b in slack.view(view_id)["blocks"]
        if b.get("type") == "input" and b["block_id"].split("~")[0] == "text"
    )
    status, answer = slack.submit_view(
        bot_url, user_id=user, view_id=view_id, values=draft_values(text, visibility, box)
    )
    if status != 200:
        raise RuntimeError(f"the bot answered the draft submission with HTTP {status}")
    return answer


def draft_messages(slack: SlackStandIn, channel: str, case_ts: str) -> list[dict[str, Any]]:
    """The draft messages in a case thread, oldest first."""
    return [
        m
        for m in slack.thread(channel, case_ts)
        if (m.get("metadata") or {}).get("event_type") == MessageKind.DRAFT
    ]


def wait_for_draft(
    slack: SlackStandIn, channel: str, case_ts: str, count: int = 1
) -> dict[str, Any]:
    """The newest draft message, once the thread has `count` of them."""
    drafts = slack.wait_for(
        lambda: (d := draft_messages(slack, channel, case_ts)) and len(d) >= count and d,
        WAIT_SECONDS,
    )
    return drafts[-1]


def press(
    slack: SlackStandIn, bot_url: str, channel: str, message_ts: str, user: str, action: str
) -> tuple[int, str]:
    """`user` presses `action` on any message (a draft in the thread, a DM, an ephemeral)."""
    return slack.click(
        bot_url, user_id=user, channel=channel, message_ts=message_ts, action_id=action
    )


def play_agent_story(
    slack: SlackStandIn,
    bot_url: str,
    channel: str,
    case_ts: str,
    *,
    agent: str,
    approver: str,
    text: str,
    pause: float,
) -> None:
    """Claim the case as `agent`, draft `text` as a public reply, approve it as `approver`
    from their DM, pausing `pause` seconds between steps so a person can follow along."""
    claim(slack, bot_url, channel, case_ts, agent)
    # As a person would: see the card say the case is theirs (cards are re-rendered at
    # most once a second, so a quicker story would skip that state).
    slack.wait_for(lambda: f"<@{agent}>" in card_status(slack, channel, case_ts), WAIT_SECONDS)
    time.sleep(pause)
    modal = open_draft_modal(slack, bot_url, channel, case_ts, agent)
    time.sleep(pause)
    # The approver may hold DMs of earlier stories: this draft's is the one after them.
    asked_before = len(slack.dms(approver))
    answer = submit_draft(slack, bot_url, agent, modal["id"], text, "public")
    if answer.get("response_action") == "update":
        # The drafting help had a remark (shown once): saving again saves it as it is.
        answer = submit_draft(slack, bot_url, agent, modal["id"], text, "public")
    if answer.get("response_action") == "errors":
        # A keyword-search post cannot be answered publicly: send it privately instead.
        answer = submit_draft(slack, bot_url, agent, modal["id"], text, "private")
        if answer.get("response_action") == "errors":
            raise RuntimeError(f"the draft was refused: {answer['errors']}")
    wait_for_draft(slack, channel, case_ts)
    time.sleep(pause)
    dm = slack.wait_for(
        lambda: (dms := slack.dms(approver)) and len(dms) > asked_before and dms, WAIT_SECONDS
    )[-1]
    _ok(press(slack, bot_url, dm_channel(slack, approver), dm["ts"], approver, Action.APPROVE))


def dm_channel(slack: SlackStandIn, user: str) -> str:
    """The id of the bot's DM with `user`; the bot must have written to them already."""
    channel = slack.dm_channel(user)
    if channel is None:
        raise LookupError(f"the bot never wrote to {user}")
    return channel


def _ok(result: tuple[int, str]) -> None:
    status, body = result
    if status != 200:
        raise RuntimeError(f"the bot answered HTTP {status}: {body[:200]}")


def card_status(slack: SlackStandIn, channel: str, case_ts: str) -> str:
    """The status line of a case's root message as it shows now."""
    root = next(m for m in slack.messages(channel) if m["ts"] == case_ts)
    return next(
        (b["text"]["text"] for b in root.get("blocks", []) if b.get("block_id") == "status"), ""
    )


def thread_text(slack: SlackStandIn, channel: str, case_ts: str) -> str:
    """Everything readable in a case thread, for checks like "does it say why"."""
    return "\n".join(" ".join(slack.message_texts(m)) for m in slack.thread(channel, case_ts))
