"""The public story, end to end: a mention becomes a case, an agent claims it and drafts a
reply, an approver approves it from a DM, and the reply lands on X under the customer's post."""

from __future__ import annotations

import re

from bot.slack.ids import Action
from sandbox.agent_story import (
    claim,
    dm_channel,
    open_draft_modal,
    play_agent_story,
    press,
    submit_draft,
    wait_for_draft,
)
from tests.integration.answer_steps import root_case_id
from tests.integration.harness import CHANNEL, Sandbox

AGENT, OTHER_AGENT, APPROVER, APPROVER2 = "U0AGENT1", "U0AGENT2", "U0LEAD", "U0LEAD2"
APPROVERS = {"APPROVER_USER_IDS": f"{APPROVER},{APPROVER2}"}


def _status_line(sandbox: Sandbox) -> str:
    root = sandbox.roots()[0]
    return next(b["text"]["text"] for b in root["blocks"] if b.get("block_id") == "status")


def test_public_story_posts_one_reply_under_the_customers_post(sandbox: Sandbox) -> None:
    sandbox.start_bot(**APPROVERS)
    post, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url

    play_agent_story(
        slack,
        url,
        CHANNEL,
        root["ts"],
        agent=AGENT,
        approver=APPROVER,
        text="@lucia Sorry! We are sending a technician today.",
        pause=0,
    )

    (reply,) = slack.wait_for(lambda: sandbox.x.replies_to(post["id"]), 10)
    assert reply["author_id"] == sandbox.x.brand_id
    assert reply["text"] == "@lucia Sorry! We are sending a technician today."
    posted = slack.wait_for(
        lambda: [m for m in sandbox.thread_of(root) if "posted" in m["text"] and "x.com" in str(m)],
        10,
    )
    assert f"/status/{reply['id']}" in str(posted[-1]["blocks"])
    slack.wait_for(lambda: "Replied" in _status_line(sandbox), 10)
    assert re.search(r"first response in \d+ min", _status_line(sandbox))
    # The approver's DM shows who approved, without buttons any more.
    dm = slack.wait_for(lambda: [d for d in slack.dms(APPROVER) if "posted" in str(d["blocks"])])
    assert not [b for b in dm[-1]["blocks"] if b["type"] == "actions"]


def test_claim_shows_the_owner_and_a_second_claim_offers_take_over(sandbox: Sandbox) -> None:
    sandbox.start_bot(**APPROVERS)
    _, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url

    claim(slack, url, CHANNEL, root["ts"], AGENT)
    slack.wait_for(lambda: f"<@{AGENT}>" in _status_line(sandbox))
    claim(slack, url, CHANNEL, root["ts"], OTHER_AGENT)

    (told,) = slack.wait_for(lambda: slack.ephemerals(OTHER_AGENT))
    assert told["text"] == f"Already claimed by <@{AGENT}>."
    press(slack, url, CHANNEL, told["ts"], OTHER_AGENT, Action.TAKE_OVER)
    slack.wait_for(lambda: f"<@{OTHER_AGENT}>" in _status_line(sandbox))
    slack.wait_for(lambda: slack.ephemerals(OTHER_AGENT) == [])  # the offer is gone once used


def test_draft_modal_prefills_the_handle_and_shows_the_post(sandbox: Sandbox) -> None:
    sandbox.start_bot(**APPROVERS)
    _, root = sandbox.open_case(text="<!channel> my router is dead")
    modal = open_draft_modal(sandbox.slack, sandbox.bot_url, CHANNEL, root["ts"], AGENT)

    text_input = next(b for b in modal["blocks"] if b["block_id"] == "text")
    assert text_input["element"]["initial_value"] == "@lucia "
    assert text_input["element"]["multiline"] is True
    context = str(modal["blocks"][0])
    assert "router is dead" in context and "<!channel>" not in context

    answer = submit_draft(
        sandbox.slack, sandbox.bot_url, AGENT, modal["id"], "@lucia hi <!channel>", "public"
    )
    assert answer == {}
    draft = wait_for_draft(sandbox.slack, CHANNEL, root["ts"])
    texts = " ".join(sandbox.slack.message_texts(draft))
    assert "<!channel>" not in texts and "&lt;!channel&gt;" in texts
    assert f"<@{AGENT}>" in texts and "Public reply" in texts
    buttons = [
        e["action_id"] for b in draft["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [Action.APPROVE, Action.EDIT, Action.REJECT]
    # Each approver got the draft in a DM, with Approve and Reject.
    for approver in (APPROVER, APPROVER2):
        (dm,) = sandbox.slack.wait_for(lambda a=approver: sandbox.slack.dms(a))
        assert "<!channel>" not in " ".join(sandbox.slack.message_texts(dm))
        assert dm_channel(sandbox.slack, approver).startswith("D")


def test_history_and_unclaim_from_the_card_menu(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(**APPROVERS)
    _, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    slack.wait_for(lambda: f"<@{AGENT}>" in _status_line(sandbox))

    slack.click(
        url,
        user_id=AGENT,
        channel=CHANNEL,
        message_ts=root["ts"],
        action_id=Action.CASE_MORE,
        selected_option=f"unclaim:{root_case_id(sandbox)}",
    )
    slack.wait_for(lambda: "New" in _status_line(sandbox))
    slack.click(
        url,
        user_id=OTHER_AGENT,
        channel=CHANNEL,
        message_ts=root["ts"],
        action_id=Action.CASE_MORE,
        selected_option=f"history:{root_case_id(sandbox)}",
    )

    (history,) = slack.wait_for(lambda: slack.ephemerals(OTHER_AGENT))
    body = str(history["blocks"])
    assert body.index("*open*") < body.index("*claim*") < body.index("*unclaim*")
    assert f"<@{AGENT}>" in body
