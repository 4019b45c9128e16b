"""Move to private, end to end: a customer who published a card number gets a public
invitation to a private conversation (in their language, with the brand's DM link) and a
private message, both approved like any draft; the card number never leaves the database."""

from __future__ import annotations

from sqlalchemy import select

from bot.slack.ids import Action
from sandbox.agent_story import (
    card_status,
    click_card,
    draft_messages,
    open_draft_modal,
    submit_draft,
    thread_text,
    wait_for_draft,
)
from storage.db import session_scope
from storage.models import AuditEvent, Draft
from tests.integration.answer_steps import approve_from_dm, card_action_ids, sent_to_slack
from tests.integration.harness import CHANNEL, Sandbox

AGENT, AGENT2, APPROVER = "U0AGENT1", "U0AGENT2", "U0LEAD"
CARD = "4111 1111 1111 1111"
RAW = (CARD, CARD.replace(" ", ""))
SPANISH = f"me cobraron dos veces el mes pasado, mi tarjeta es {CARD}. ¿Me devuelven el dinero?"


def _draft_texts(sandbox: Sandbox, root: dict) -> list[str]:
    return [
        " ".join(sandbox.slack.message_texts(d))
        for d in draft_messages(sandbox.slack, CHANNEL, root["ts"])
    ]


def _card_refreshed(sandbox: Sandbox, root: dict, times: int) -> None:
    """Each send ends by re-rendering the card: wait for it, so the bot is done."""
    sandbox.slack.wait_for(
        lambda: (
            len([c for c in sandbox.slack.calls("chat.update") if c["ts"] == root["ts"]]) >= times
        ),
        10,
    )


def test_move_to_private_sends_an_invitation_and_a_dm_and_never_the_card(
    sandbox: Sandbox,
) -> None:
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    post, root = sandbox.open_case("ana_clara", SPANISH)
    slack, url = sandbox.slack, sandbox.bot_url
    assert Action.MOVE_TO_PRIVATE in card_action_ids(root)
    # Another agent had already drafted a public reply: an alternative to the invitation.
    modal = open_draft_modal(slack, url, CHANNEL, root["ts"], AGENT2)
    assert submit_draft(slack, url, AGENT2, modal["id"], "@ana_clara Lo miramos.", "public") == {}
    wait_for_draft(slack, CHANNEL, root["ts"])

    click_card(slack, url, CHANNEL, root["ts"], AGENT, Action.MOVE_TO_PRIVATE)

    (told,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert "private message" in told["text"] and "wait for approval" in told["text"]
    wait_for_draft(slack, CHANNEL, root["ts"], count=3)
    _, invite, private = _draft_texts(sandbox, root)
    link = f"https://x.com/messages/compose?recipient_id={sandbox.x.brand_id}"
    assert "Public reply on X" in invite and f"<@{AGENT}>" in invite
    assert "escríbenos por mensaje privado" in invite and link in invite  # Spanish, DM link
    assert "Private message on X" in private and "Nunca te pediremos" in private
    # Approvers are asked in DMs, as for any draft.
    slack.wait_for(lambda: len(slack.dms(APPROVER)) == 3)

    approve_from_dm(sandbox, APPROVER, containing="escríbenos por mensaje privado")
    (reply,) = slack.wait_for(lambda: sandbox.x.replies_to(post["id"]), 10)
    # The invitation replaced the other public draft, but not its private partner.
    slack.wait_for(lambda: "Superseded" in _draft_texts(sandbox, root)[0])
    assert "Waiting for approval" in _draft_texts(sandbox, root)[2]
    approve_from_dm(sandbox, APPROVER, containing="Nunca te pediremos")

    (dm,) = slack.wait_for(lambda: sandbox.x.dms_to("ana_clara"), 10)
    assert reply["author_id"] == sandbox.x.brand_id and reply["text"].startswith("@ana_clara ")
    assert link in reply["text"]
    assert "Nunca te pediremos" in dm["text"]
    assert len(sandbox.x.tweets_by(sandbox.x.brand_id)) == 1
    slack.wait_for(
        lambda: "Private message to @ana_clara posted" in thread_text(slack, CHANNEL, root["ts"]),
        10,
    )
    assert "Public reply to @ana_clara posted" in thread_text(slack, CHANNEL, root["ts"])
    # Both sends re-render the card; changes this close together are one update.
    _card_refreshed(sandbox, root, times=1)
    slack.wait_for(lambda: "Replied" in card_status(slack, CHANNEL, root["ts"]), 5)
    # Nothing the bot sent to Slack or X carried the card number.
    on_slack = sent_to_slack(slack)
    with sandbox.x.lock:
        on_x = "\n".join(r.body.decode() for r in sandbox.x.requests)
    assert link in on_x  # the X requests are all here
    for raw in RAW:
        assert raw not in on_slack and raw not in on_x
    assert "•••• •••• •••• 1111" in on_slack  # masked, as the card shows it
    with session_scope(sandbox.runtime.factory) as session:
        (moved,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "move_to_private")
        ).all()
        assert moved.actor == AGENT and moved.details["language"] == "es"
        authors = session.scalars(select(Draft.author_slack_id).order_by(Draft.id)).all()
        assert authors == [AGENT2, AGENT, AGENT]


def test_a_second_click_while_the_pair_waits_drafts_nothing_more(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER)
    _, root = sandbox.open_case("ana_clara", SPANISH)
    slack, url = sandbox.slack, sandbox.bot_url
    click_card(slack, url, CHANNEL, root["ts"], AGENT, Action.MOVE_TO_PRIVATE)
    wait_for_draft(slack, CHANNEL, root["ts"], count=2)

    click_card(slack, url, CHANNEL, root["ts"], AGENT2, Action.MOVE_TO_PRIVATE)

    (told,) = slack.wait_for(lambda: slack.ephemerals(AGENT2))
    assert "Already moved to private" in told["text"]
    assert len(draft_messages(slack, CHANNEL, root["ts"])) == 2


def test_a_keyword_search_post_gets_only_the_private_message(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot(APPROVER_USER_IDS=APPROVER, X_SEARCH_QUERY="router")
    sandbox.customer("pepe")
    sandbox.x.post("pepe", f"my acme router bill charged card {CARD} twice, unbelievable")
    sandbox.cycle()
    (root,) = sandbox.roots()
    slack = sandbox.slack
    assert Action.MOVE_TO_PRIVATE in card_action_ids(root)

    click_card(slack, sandbox.bot_url, CHANNEL, root["ts"], AGENT, Action.MOVE_TO_PRIVATE)

    (told,) = slack.wait_for(lambda: slack.ephemerals(AGENT))
    assert "only a private message" in told["text"] and "keyword search" in told["text"]
    (only,) = _draft_texts(sandbox, root)
    assert "Private message on X" in only and "Hi, thanks for messaging us privately" in only
    approve_from_dm(sandbox, APPROVER)
    (dm,) = slack.wait_for(lambda: sandbox.x.dms_to("pepe"), 10)
    assert "never ask" in dm["text"]
    assert sandbox.x.tweets_by(sandbox.x.brand_id) == []
    _card_refreshed(sandbox, root, times=1)
    assert "Replied" in card_status(slack, CHANNEL, root["ts"])


def test_a_card_without_personal_data_has_no_move_to_private(sqlite_sandbox: Sandbox) -> None:
    sandbox = sqlite_sandbox
    sandbox.start_bot()
    _, root = sandbox.open_case()
    assert Action.MOVE_TO_PRIVATE not in card_action_ids(root)
    assert card_action_ids(root)[:5] == [
        Action.CLAIM,
        Action.DRAFT,
        Action.HOLDING_REPLY,
        Action.ESCALATE,
        Action.CLOSE,
    ]
