"""Private replies: sent as an X DM; a refusal is explained in the thread and Retry works
once the customer accepts DMs again."""

from __future__ import annotations

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    press,
    thread_text,
)
from tests.integration.answer_steps import approve_from_dm
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"
TEXT = "Hi Lucía, please send us your order number here and we will sort it out."


def _draft_private(sandbox: Sandbox) -> dict:
    _, root = sandbox.open_case(text="where is my order??")
    sandbox.draft_reply(root, AGENT, TEXT, "private")
    return root


def test_private_reply_is_sent_as_a_dm(sandbox: Sandbox) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    root = _draft_private(sandbox)

    approve_from_dm(sandbox, APPROVER)

    (sent,) = sandbox.slack.wait_for(lambda: sandbox.x.dms_to("lucia"), 10)
    assert sent["text"] == TEXT
    assert sandbox.x.replies_to(root and sandbox.x.tweets_by("lucia")[0]["id"]) == []
    sandbox.slack.wait_for(
        lambda: (
            "Private message to @lucia posted" in thread_text(sandbox.slack, CHANNEL, root["ts"])
        )
    )
    sandbox.slack.wait_for(lambda: "Replied" in card_status(sandbox.slack, CHANNEL, root["ts"]))


def test_dm_refusal_is_explained_and_retry_sends_it_once_allowed(sandbox: Sandbox) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    root = _draft_private(sandbox)
    sandbox.x.set_accepts_dms("lucia", False)
    slack = sandbox.slack

    approve_from_dm(sandbox, APPROVER)

    failed = slack.wait_for(
        lambda: [m for m in sandbox.thread_of(root) if "was not sent" in m["text"]], 10
    )[-1]
    assert "does not accept private messages" in failed["text"]
    assert sandbox.x.dms_to("lucia") == []
    assert "Replied" not in card_status(slack, CHANNEL, root["ts"])

    sandbox.x.set_accepts_dms("lucia", True)
    press(slack, sandbox.bot_url, CHANNEL, failed["ts"], APPROVER, Action.RETRY)

    (sent,) = slack.wait_for(lambda: sandbox.x.dms_to("lucia"), 10)
    assert sent["text"] == TEXT
    slack.wait_for(lambda: "Replied" in card_status(slack, CHANNEL, root["ts"]))
    # A second Retry on the old failure message sends nothing more.
    press(slack, sandbox.bot_url, CHANNEL, failed["ts"], APPROVER, Action.RETRY)
    slack.wait_for(lambda: slack.ephemerals(APPROVER))
    assert "posted" in slack.ephemerals(APPROVER)[-1]["text"]
    assert len(sandbox.x.dms_to("lucia")) == 1
