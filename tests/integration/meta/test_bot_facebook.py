"""Facebook through the real bot: webhooks reach its HTTP server, polls run its cycle, people
click in Slack; the Graph stand-in enforces Meta's rules (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import hmac
import json

import requests

from bot.networks.meta.rules import PRIVATE_REPLY_WINDOW, when
from bot.slack.ids import Action
from sandbox.agent_story import click_card, thread_text
from sandbox.scenarios.meta import VERIFY_TOKEN
from tests.integration.answer_steps import approve_from_dm, card_action_ids, sent_to_slack
from tests.integration.harness import CHANNEL, Sandbox
from tests.integration.meta.bot_steps import (
    AGENT,
    APPROVER,
    answer,
    brand_messages,
    card_text,
    case_count,
    draft,
    modal_text,
    refusal,
    root_with,
    start_bot_with_meta,
    stored_posts,
    written_ago,
)

CARD = "4111 1111 1111 1111"


def test_a_visitor_post_and_a_comment_are_two_cases_and_each_post_is_stored_once(
    sandbox: Sandbox,
) -> None:
    meta = start_bot_with_meta(sandbox)
    brand_post = meta.page_post("We now deliver on Sundays")
    visitor = meta.visitor_post("Ann Lee", "My parcel never arrived")
    comment = meta.comment("Bob Stone", brand_post["id"], "Not to my town, it seems")

    visitor_card = root_with(sandbox, "My parcel never arrived")
    comment_card = root_with(sandbox, "Not to my town, it seems")
    assert "View on Facebook" in card_text(sandbox, comment_card)
    reply = meta.comment("Cara Diaz", comment["id"], "Same here in Springfield")
    sandbox.slack.wait_for(
        lambda: (
            "Same here in Springfield" in thread_text(sandbox.slack, CHANNEL, comment_card["ts"])
        )
    )
    # A comment Meta's webhook never brought (a missed delivery): the poll finds it.
    meta.webhook_url = None
    late = meta.comment("Dan Ruiz", brand_post["id"], "Do you deliver to Shelbyville?")
    polled, _ = sandbox.cycle()  # reads every post above again

    assert not [o for o in polled if o.error], polled
    root_with(sandbox, "Do you deliver to Shelbyville?")
    # Meta retries a delivery: the same comment again, now after the poll stored it.
    sandbox.connect_meta_webhooks()
    assert meta.deliver(meta._feed_payload(late, item="comment", id_key="comment_id")) == 200
    sandbox.cycle()

    posts = stored_posts(sandbox)
    ids = [external for network, external, _ in posts if network == "facebook"]
    assert sorted(ids) == sorted([visitor["id"], comment["id"], reply["id"], late["id"]])
    assert case_count(sandbox) == 3 and len(sandbox.roots()) == 3
    case_of = {external: case for _, external, case in posts}
    assert case_of[reply["id"]] == case_of[comment["id"]] != case_of[visitor["id"]]
    follow_ups = [m for m in sandbox.thread_of(comment_card) if m["ts"] != comment_card["ts"]]
    assert len(follow_ups) == 1 and "Same here" in str(follow_ups[0])
    assert visitor_card["ts"] != comment_card["ts"]


def test_a_delivery_with_a_wrong_signature_gets_401_and_the_handshake_needs_our_token(
    sandbox: Sandbox,
) -> None:
    meta = sandbox.start_meta()
    sandbox.start_bot()
    assert sandbox.runtime and sandbox.runtime.http
    url = f"http://127.0.0.1:{sandbox.runtime.http.port}/webhooks/meta"
    post = meta.page_post("Opening hours")
    comment = meta.comment("Bob Stone", post["id"], "Open on Sunday?")  # no webhook URL yet
    body = json.dumps(meta._feed_payload(comment, item="comment", id_key="comment_id")).encode()
    forged = "sha256=" + hmac.new(b"not-the-app-secret", body, hashlib.sha256).hexdigest()

    for headers in ({"X-Hub-Signature-256": forged}, {}):
        refused = requests.post(url, data=body, headers=headers, timeout=5)
        assert (refused.status_code, refused.text) == (401, "bad or missing signature")
    wrong = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "4242"}
    assert requests.get(url, params=wrong, timeout=5).status_code == 403
    right = {**wrong, "hub.verify_token": VERIFY_TOKEN}
    handshake = requests.get(url, params=right, timeout=5)
    assert (handshake.status_code, handshake.text) == (200, "4242")
    # The genuine delivery, queued after the refused ones, is the only thing stored.
    signed = requests.post(
        url, data=body, headers={"X-Hub-Signature-256": meta.sign(body)}, timeout=5
    )
    assert (signed.status_code, signed.text) == (200, "EVENT_RECEIVED")
    root_with(sandbox, "Open on Sunday?")
    assert [external for _, external, _ in stored_posts(sandbox)] == [comment["id"]]
    assert len(sandbox.roots()) == 1


def test_one_private_reply_per_comment_and_none_after_seven_days(sandbox: Sandbox) -> None:
    meta = start_bot_with_meta(sandbox)
    brand_post = meta.page_post("Price update")
    comment = meta.comment("Bob Stone", brand_post["id"], "You charged me twice")
    root = root_with(sandbox, "You charged me twice")
    assert "private reply possible until" in card_text(sandbox, root)

    modal = answer(sandbox, root, "Sorry Bob! Which order was it?", "private")

    assert "private reply possible until" in modal_text(modal)
    assert "Sent as a private reply to the comment" in modal_text(modal)
    sandbox.slack.wait_for(lambda: brand_messages(meta), 10)
    (sent,) = brand_messages(meta)
    assert (sent["message"], sent["private_reply_to"]) == (
        "Sorry Bob! Which order was it?",
        comment["id"],
    )
    sandbox.slack.wait_for(lambda: "private reply sent" in card_text(sandbox, root), 10)
    _, again = draft(sandbox, root, "One more thing, Bob", "private", claimed=True)
    assert "A private reply was already sent to this comment" in refusal(again)

    with written_ago(meta, days=8):
        old = meta.comment("Dana Fox", brand_post["id"], "Still waiting for my refund")
    late = root_with(sandbox, "Still waiting for my refund")
    closed_on = when(old["created_time"] + PRIVATE_REPLY_WINDOW)
    assert f"private reply closed on {closed_on}" in card_text(sandbox, late)
    _, refused = draft(sandbox, late, "Sorry Dana, which order?", "private")
    assert f"Private reply closed on {closed_on}" in refusal(refused)
    assert len(brand_messages(meta)) == 1  # nothing more reached Meta


def test_move_to_private_sends_only_the_private_reply_to_the_comment(sandbox: Sandbox) -> None:
    meta = start_bot_with_meta(sandbox)
    brand_post = meta.page_post("Price update")
    comment = meta.comment("Ana Vidal", brand_post["id"], f"Charged twice, my card is {CARD}")
    root = root_with(sandbox, "Charged twice")
    assert Action.MOVE_TO_PRIVATE in card_action_ids(root)
    slack, url = sandbox.slack, sandbox.bot_url

    click_card(slack, url, CHANNEL, root["ts"], AGENT, Action.MOVE_TO_PRIVATE)
    told = slack.wait_for(
        lambda: [e for e in slack.ephemerals(AGENT) if "Drafted only a private message" in str(e)]
    )
    assert "Facebook delivers it to the customer as a private reply to their post" in str(told)
    approve_from_dm(sandbox, APPROVER, containing="writing to you privately")

    slack.wait_for(lambda: brand_messages(meta), 10)
    (sent,) = brand_messages(meta)
    assert sent["private_reply_to"] == comment["id"]
    assert "writing to you privately" in sent["message"]
    brand_comments = [c for c in meta.comments.values() if c["from"]["id"] == meta.page["id"]]
    assert brand_comments == []  # no public "please message us" under the comment
    assert CARD not in sent_to_slack(slack) and CARD.replace(" ", "") not in sent_to_slack(slack)
    slack.wait_for(lambda: "posted" in thread_text(slack, CHANNEL, root["ts"]), 10)

    click_card(slack, url, CHANNEL, root["ts"], AGENT, Action.MOVE_TO_PRIVATE)
    slack.wait_for(
        lambda: [
            e
            for e in slack.ephemerals(AGENT)
            if "Cannot move this case to private: A private reply was already sent" in str(e)
        ]
    )
    assert len(brand_messages(meta)) == 1
