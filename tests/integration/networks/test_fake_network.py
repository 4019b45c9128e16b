"""A second network, end to end: nothing in bot/cases or bot/slack knows about it, yet its
posts become cases with its name on the card, drafts are judged by its rules in its own
words, and the approved reply goes out on it once."""

from __future__ import annotations

from bot.slack.ids import Action
from sandbox.agent_story import claim, dm_channel, open_draft_modal, press, submit_draft
from tests.fake_network import FakeNetwork
from tests.integration.harness import CHANNEL, Sandbox

AGENT, APPROVER = "U0AGENT1", "U0LEAD"


def test_a_case_from_another_network_is_answered_there(sqlite_sandbox: Sandbox) -> None:
    sandbox, fake = sqlite_sandbox, FakeNetwork()
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER, extra_networks=[fake])
    fake.customer_posts("nora", "my parcel arrived broken")
    sandbox.cycle()
    (root,) = sandbox.roots()
    card = " ".join(sandbox.slack.message_texts(root))
    assert "my parcel arrived broken" in card and "View on Fakebook" in card
    assert "View on X" not in card

    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    assert "Up to 100 characters in public." in str(modal["blocks"])
    refused = submit_draft(slack, url, AGENT, modal["id"], "x" * 101, "public")
    assert refused["errors"]["text"] == "Fakebook allows 100 characters, this is 101."
    assert submit_draft(slack, url, AGENT, modal["id"], "So sorry, Nora!", "public") == {}

    dm = slack.wait_for(lambda: slack.dms(APPROVER))[-1]
    press(slack, url, dm_channel(slack, APPROVER), dm["ts"], APPROVER, Action.APPROVE)
    slack.wait_for(lambda: fake.sent_texts() == ["So sorry, Nora!"], 10)
    (sent,) = fake.sent
    assert sent.outgoing.target.post_id == fake.posts[0].external_id
    posted = slack.wait_for(
        lambda: [m for m in sandbox.thread_of(root) if "see it on Fakebook" in str(m)], 10
    )
    assert sent.reply.url in str(posted[-1])
    assert sandbox.x.replies_to(fake.posts[0].external_id) == []  # nothing went to X
