"""Who may approve, checked on the server for every click; stale drafts; rejection."""

from __future__ import annotations

from sqlalchemy import select

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    press,
    thread_text,
    wait_for_draft,
)
from storage.db import session_scope
from storage.models import DraftNotice
from tests.integration.harness import CHANNEL, Sandbox

AGENT, AGENT2, APPROVER = "U0AGENT1", "U0AGENT2", "U0LEAD"


def _drafted(sandbox: Sandbox, author: str = AGENT, text: str = "@lucia On it!") -> tuple:
    post, root = sandbox.open_case()
    return post, root, sandbox.draft_reply(root, author, text)


def test_a_non_approver_cannot_approve(sandbox: Sandbox) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root, draft = _drafted(sandbox)
    slack = sandbox.slack

    status, _ = press(slack, sandbox.bot_url, CHANNEL, draft["ts"], AGENT2, Action.APPROVE)

    assert status == 200
    (told,) = slack.wait_for(lambda: slack.ephemerals(AGENT2))
    assert "Only approvers" in told["text"]
    assert sandbox.x.replies_to(post["id"]) == []
    assert "Waiting for approval" in str(wait_for_draft(slack, CHANNEL, root["ts"])["blocks"])


def test_self_approval_is_refused_unless_allowed(sandbox: Sandbox) -> None:
    # The author is an approver (via the user group), but ALLOW_SELF_APPROVAL is off.
    sandbox.slack.add_usergroup("S0APPROVE", "approvers", [APPROVER, AGENT])
    sandbox.start_bot(APPROVER_USERGROUP_ID="S0APPROVE", ALLOW_SELF_APPROVAL="false")
    post, root, draft = _drafted(sandbox)
    slack = sandbox.slack

    press(slack, sandbox.bot_url, CHANNEL, draft["ts"], AGENT, Action.APPROVE)

    (told,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert "someone else must approve" in told["text"]
    assert sandbox.x.replies_to(post["id"]) == []
    # The author was not asked to approve their own draft; the other approver was.
    slack.wait_for(lambda: slack.dms(APPROVER))
    assert slack.dms(AGENT) == []


def test_self_approval_when_allowed_posts(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=AGENT, ALLOW_SELF_APPROVAL="true")
    post, root, draft = _drafted(sandbox)

    press(sandbox.slack, sandbox.bot_url, CHANNEL, draft["ts"], AGENT, Action.APPROVE)

    sandbox.slack.wait_for(lambda: sandbox.x.replies_to(post["id"]), 10)


def test_a_draft_older_than_the_customers_last_post_asks_first(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root, draft = _drafted(sandbox)
    # The bot has finished writing (approver DMs recorded) before the next poll cycle.
    sandbox.slack.wait_for(lambda: _notices(sandbox) == 1)
    later = sandbox.mention("lucia", "also the TV box is dead", in_reply_to=post["id"])
    sandbox.cycle()
    slack = sandbox.slack

    press(slack, sandbox.bot_url, CHANNEL, draft["ts"], APPROVER, Action.APPROVE)
    (question,) = slack.wait_for(lambda: slack.ephemerals(APPROVER))
    assert "wrote again" in question["text"]
    assert sandbox.x.replies_to(later["id"]) == []

    press(slack, sandbox.bot_url, CHANNEL, question["ts"], APPROVER, Action.APPROVE_STALE)

    # Posted once, under the customer's latest post.
    (reply,) = slack.wait_for(lambda: sandbox.x.replies_to(later["id"]), 10)
    assert reply["author_id"] == sandbox.x.brand_id
    assert len(sandbox.x.tweets_by(sandbox.x.brand_id)) == 1
    slack.wait_for(lambda: slack.ephemerals(APPROVER) == [])


def test_reject_asks_why_shows_it_and_tells_the_author(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root, draft = _drafted(sandbox)
    slack, url = sandbox.slack, sandbox.bot_url

    press(slack, url, CHANNEL, draft["ts"], APPROVER, Action.REJECT)
    (modal,) = slack.wait_for(lambda: slack.open_views(APPROVER))
    _, answer = slack.submit_view(
        url,
        user_id=APPROVER,
        view_id=modal["id"],
        values={"reason": {"reason": {"type": "plain_text_input", "value": "Too <!here> casual"}}},
    )

    assert answer == {}
    slack.wait_for(lambda: "rejected draft" in thread_text(slack, CHANNEL, root["ts"]))
    text = thread_text(slack, CHANNEL, root["ts"])
    assert "Too &lt;!here&gt; casual" in text and "<!here>" not in text
    (note,) = slack.wait_for(lambda: slack.dms(AGENT))
    assert "rejected your draft" in note["text"]
    assert sandbox.x.replies_to(post["id"]) == []
    assert "Rejected" in str(wait_for_draft(slack, CHANNEL, root["ts"])["blocks"])
    assert "Replied" not in card_status(slack, CHANNEL, root["ts"])


def _notices(sandbox: Sandbox) -> int:
    assert sandbox.runtime
    with session_scope(sandbox.runtime.factory) as session:
        return len(session.scalars(select(DraftNotice)).all())
