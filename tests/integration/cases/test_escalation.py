"""Escalation pings the team in the thread and DMs each specialist a link to it; closing
asks why; a customer writing again reopens the case in the same thread."""

from __future__ import annotations

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    claim,
    click_card,
    draft_messages,
    open_draft_modal,
    submit_draft,
    thread_text,
)
from tests.integration.harness import CHANNEL, Sandbox

AGENT, SPECIALIST, LEAD2 = "U0AGENT1", "U0AGENT2", "U0LEAD2"


def test_escalation_pings_the_group_and_dms_its_members(sandbox: Sandbox) -> None:
    sandbox.slack.add_usergroup("S0BILLING", "billing", [SPECIALIST])
    sandbox.start_bot(ESCALATION_TEAMS=f"billing=S0BILLING+{LEAD2}")
    _, root = sandbox.open_case(text="I was charged twice!")
    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)

    click_card(slack, url, CHANNEL, root["ts"], AGENT, Action.ESCALATE)
    (modal,) = slack.wait_for(lambda: slack.open_views(AGENT))
    status, answer = slack.submit_view(
        url,
        user_id=AGENT,
        view_id=modal["id"],
        values={
            "team": {"team": {"type": "static_select", "selected_option": {"value": "billing"}}},
            "note": {"note": {"type": "plain_text_input", "value": "double charge <!channel>"}},
        },
    )

    assert (status, answer) == (200, {})
    slack.wait_for(lambda: "escalated this case" in thread_text(slack, CHANNEL, root["ts"]))
    text = thread_text(slack, CHANNEL, root["ts"])
    assert "<!subteam^S0BILLING>" in text and f"<@{LEAD2}>" in text
    assert "<!channel>" not in text
    for specialist in (SPECIALIST, LEAD2):
        (dm,) = slack.wait_for(lambda s=specialist: slack.dms(s))
        assert f"archives/{CHANNEL}/p{root['ts'].replace('.', '')}" in dm["text"]
    slack.wait_for(lambda: "Escalated to billing" in card_status(slack, CHANNEL, root["ts"]))
    # A specialist claims it.
    claim(slack, url, CHANNEL, root["ts"], SPECIALIST)
    slack.wait_for(lambda: f"by <@{SPECIALIST}>" in card_status(slack, CHANNEL, root["ts"]))


def test_closed_case_reopens_in_the_same_thread(sandbox: Sandbox) -> None:
    sandbox.start_bot()
    post, root = sandbox.open_case(text="I was charged twice!")
    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    click_card(slack, url, CHANNEL, root["ts"], AGENT, Action.CLOSE)
    (modal,) = slack.wait_for(lambda: slack.open_views(AGENT))
    slack.submit_view(
        url,
        user_id=AGENT,
        view_id=modal["id"],
        values={
            "reason": {
                "reason": {"type": "radio_buttons", "selected_option": {"value": "answered"}}
            },
        },
    )
    slack.wait_for(lambda: "Closed" in card_status(slack, CHANNEL, root["ts"]))
    assert "closed the case: Answered" in thread_text(slack, CHANNEL, root["ts"])

    sandbox.mention("lucia", "still charged twice", in_reply_to=post["id"])
    sandbox.cycle()

    assert [r["ts"] for r in sandbox.roots()] == [root["ts"]]  # no new case
    follow_up = sandbox.thread_of(root)[-1]
    assert "still charged twice" in follow_up["text"]
    assert f"<@{AGENT}>" in str(follow_up["blocks"]) and "reopened" in str(follow_up["blocks"])
    # The root card says so too, without anyone clicking anything.
    assert "Closed" not in card_status(slack, CHANNEL, root["ts"])
    assert "Claimed" in card_status(slack, CHANNEL, root["ts"])
    # The case is open again: a reply can be drafted (a closed case refuses drafts).
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    assert submit_draft(slack, url, AGENT, modal["id"], "@lucia Refund on its way", "public") == {}
    slack.wait_for(lambda: draft_messages(slack, CHANNEL, root["ts"]))
