"""A customer who writes again after we answered: the case asks for an answer again."""

from __future__ import annotations

from sandbox.agent_story import card_status, play_agent_story
from tests.integration.harness import CHANNEL, Sandbox


def test_a_message_after_our_reply_puts_the_case_back_in_the_queue(sandbox: Sandbox) -> None:
    sandbox.start_bot(APPROVER_USER_IDS="U0LEAD")
    sandbox.customer("grace")
    first = sandbox.mention("grace", "does the fibre plan include the router?")
    sandbox.cycle()
    (root,) = sandbox.roots()
    play_agent_story(
        sandbox.slack,
        sandbox.bot_url,
        CHANNEL,
        root["ts"],
        agent="U0AGENT1",
        approver="U0LEAD",
        text="@grace Yes, it does!",
        pause=0,
    )
    sandbox.slack.wait_for(lambda: "Replied" in card_status(sandbox.slack, CHANNEL, root["ts"]))

    sandbox.mention("grace", "great, and is there an installation fee?", in_reply_to=first["id"])
    sandbox.cycle()

    status = card_status(sandbox.slack, CHANNEL, root["ts"])
    assert "Replied" not in status and "Claimed" in status
    triage = next(b for b in sandbox.roots()[0]["blocks"] if b.get("block_id") == "triage")
    assert "next response due" in triage["elements"][0]["text"]
