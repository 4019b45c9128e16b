"""Two people clicking at the same instant, through real HTTP into the bot, on SQLite and
PostgreSQL: exactly one owner, exactly one post on X."""

from __future__ import annotations

import threading

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    claim,
    dm_channel,
    open_draft_modal,
    press,
    submit_draft,
    wait_for_draft,
)
from tests.integration.harness import CHANNEL, Sandbox

AGENT, AGENT2, APPROVER, APPROVER2 = "U0AGENT1", "U0AGENT2", "U0LEAD", "U0LEAD2"


def _at_once(*clicks) -> list[tuple[int, str]]:
    """Run the clicks from separate threads released by one barrier."""
    barrier = threading.Barrier(len(clicks))
    results: list = [None] * len(clicks)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = clicks[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clicks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    return results


def test_two_agents_claim_at_once_one_owner(sandbox: Sandbox) -> None:
    sandbox.start_bot()
    _, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url

    results = _at_once(
        lambda: slack.click(
            url, user_id=AGENT, channel=CHANNEL, message_ts=root["ts"], action_id=Action.CLAIM
        ),
        lambda: slack.click(
            url, user_id=AGENT2, channel=CHANNEL, message_ts=root["ts"], action_id=Action.CLAIM
        ),
    )

    assert [status for status, _ in results] == [200, 200]
    loser_told = slack.wait_for(lambda: slack.ephemerals(AGENT) + slack.ephemerals(AGENT2), 10)
    assert len(loser_told) == 1 and loser_told[0]["text"].startswith("Already claimed by <@")
    loser = loser_told[0]["user"]
    winner = AGENT2 if loser == AGENT else AGENT
    assert loser_told[0]["text"] == f"Already claimed by <@{winner}>."
    slack.wait_for(lambda: f"Claimed* by <@{winner}>" in card_status(slack, CHANNEL, root["ts"]))
    claims = [c for c in slack.calls("chat.update") if c["ts"] == root["ts"]]
    assert len(claims) == 1  # only the winner re-rendered the card


def test_two_approvers_approve_at_once_one_post(sandbox: Sandbox) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=f"{APPROVER},{APPROVER2}")
    post, root = sandbox.open_case()
    slack, url = sandbox.slack, sandbox.bot_url
    claim(slack, url, CHANNEL, root["ts"], AGENT)
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT)
    submit_draft(slack, url, AGENT, modal["id"], "@lucia A technician is on the way.", "public")
    draft = wait_for_draft(slack, CHANNEL, root["ts"])
    dm = slack.wait_for(lambda: slack.dms(APPROVER2))[0]

    # One approves in the thread, the other from their DM, at the same instant.
    results = _at_once(
        lambda: press(slack, url, CHANNEL, draft["ts"], APPROVER, Action.APPROVE),
        lambda: press(
            slack, url, dm_channel(slack, APPROVER2), dm["ts"], APPROVER2, Action.APPROVE
        ),
    )

    assert [status for status, _ in results] == [200, 200]
    slack.wait_for(lambda: "Replied" in card_status(slack, CHANNEL, root["ts"]), 10)
    told = slack.wait_for(lambda: slack.ephemerals(APPROVER) + slack.ephemerals(APPROVER2), 10)
    assert len(told) == 1 and "Already approved by <@" in told[0]["text"]
    assert len(sandbox.x.replies_to(post["id"])) == 1
    assert len(sandbox.x.tweets_by(sandbox.x.brand_id)) == 1
