"""Meta webhooks over real HTTP: the stand-in posts signed deliveries to the WSGI app served
by waitress (as the bot serves it), and the posts match what polling finds — down to the
database, where a comment seen both ways is one stored post (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import ingest_posts, upsert_brand
from bot.networks.base import FetchedPost
from bot.networks.meta import (
    FacebookNetwork,
    InstagramNetwork,
    WebhookResult,
    complete_webhook,
    make_meta_webhook_app,
)
from bot.server import HttpServer
from sandbox.meta_graph import MetaGraphStandIn
from storage.db import session_scope
from storage.models import Case, Post
from tests.integration.meta.helpers import only

VERIFY_TOKEN = "sandbox-verify-token"


class Receiver:
    """The bot's side: `/webhooks/meta` on waitress, collecting accepted deliveries."""

    def __init__(self, meta: MetaGraphStandIn):
        self.results: list[WebhookResult] = []
        app = make_meta_webhook_app(
            app_secret=meta.app_secret, verify_token=VERIFY_TOKEN, deliver=self.results.append
        )
        self.server = HttpServer(app, port=0, host="127.0.0.1", threads=2)
        self.url = f"http://127.0.0.1:{self.server.port}/webhooks/meta"

    @property
    def posts(self) -> list[FetchedPost]:
        return [post for result in self.results for post in result.posts]


@pytest.fixture
def receiver(meta: MetaGraphStandIn) -> Iterator[Receiver]:
    receiver = Receiver(meta)
    receiver.server.start()
    meta.webhook_url = receiver.url
    yield receiver
    receiver.server.close()


def poll(network: FacebookNetwork | InstagramNetwork, stream: str, meta: MetaGraphStandIn):
    fetch = next(s.fetch for s in network.streams() if s.name == stream)
    return fetch(None, meta.now() - timedelta(hours=1), None).posts


def identity(post: FetchedPost) -> tuple[object, ...]:
    return (
        post.network,
        post.external_id,
        post.conversation_id,
        post.in_reply_to_id,
        post.text,
        post.author,
        post.created_at,
        post.meta.get("kind"),
        post.meta.get("thread"),
    )


def test_the_handshake_answers_only_with_the_right_token(
    meta: MetaGraphStandIn, receiver: Receiver
) -> None:
    assert meta.verify_subscription(receiver.url, VERIFY_TOKEN) is True
    assert meta.verify_subscription(receiver.url, "someone-elses-token") is False
    refused = requests.get(
        receiver.url,
        params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"},
        timeout=5,
    )
    assert (refused.status_code, refused.text) == (403, "verify token mismatch")


def test_a_delivery_with_a_wrong_or_missing_signature_gets_401_and_no_posts(
    meta: MetaGraphStandIn, receiver: Receiver
) -> None:
    meta.webhook_url = None  # build a real delivery without sending it
    post = meta.page_post("Opening hours")
    meta.comment("Bob Stone", post["id"], "Open on Sunday?")
    meta.webhook_url = receiver.url
    payload = meta._feed_payload(
        next(iter(meta.comments.values())), item="comment", id_key="comment_id"
    )
    other_secret = "sha256=" + "0" * 64

    assert meta.deliver(payload, signature=other_secret) == 401
    response = requests.post(receiver.url, json=payload, timeout=5)
    assert response.status_code == 401
    assert receiver.results == []
    assert meta.deliver(payload) == 200
    assert [p.text for p in receiver.posts] == ["Open on Sunday?"]


def test_a_comment_by_webhook_and_by_poll_is_the_same_post(
    meta: MetaGraphStandIn, receiver: Receiver, facebook: FacebookNetwork
) -> None:
    post = meta.page_post("Opening hours")
    comment = meta.comment("Bob Stone", post["id"], "Open on Sunday?")
    meta.comment("Cara Diaz", comment["id"], "And on holidays?")
    meta.visitor_post("Ann Lee", "Lost my receipt")

    polled = {p.external_id: p for p in poll(facebook, "feed", meta)}

    assert len(receiver.posts) == 3
    for delivered in receiver.posts:
        assert identity(delivered) == identity(polled[delivered.external_id])
        assert delivered.meta == polled[delivered.external_id].meta


def test_messenger_by_webhook_and_by_poll_is_the_same_post_once_named(
    meta: MetaGraphStandIn, receiver: Receiver, facebook: FacebookNetwork
) -> None:
    meta.messenger("Cara Diaz", "My account is locked")

    [delivered] = receiver.posts
    completed = complete_webhook(receiver.results[0], facebook, None)
    [polled] = poll(facebook, "messenger", meta)

    assert delivered.author.name == ""  # Meta's payload names the sender by id only
    assert completed.posts == [polled] and completed.error is None


def test_instagram_comments_and_dms_by_webhook_match_polling(
    meta: MetaGraphStandIn,
    receiver: Receiver,
    facebook: FacebookNetwork,
    instagram: InstagramNetwork,
) -> None:
    media = meta.ig_media("Summer collection")
    top = meta.ig_comment("dana", media["id"], "Which sizes?")
    meta.ig_comment("erin", top["id"], "Same question")
    meta.ig_dm("hana", "Where is my refund?")

    completed = [
        post
        for result in receiver.results
        for post in complete_webhook(result, facebook, instagram).posts
    ]
    polled = {
        p.external_id: p for stream in ("comments", "direct") for p in poll(instagram, stream, meta)
    }

    assert len(completed) == 3
    for delivered in completed:
        assert identity(delivered) == identity(polled[delivered.external_id])


def test_a_mention_webhook_is_read_from_the_graph_after_the_answer(
    meta: MetaGraphStandIn,
    receiver: Receiver,
    facebook: FacebookNetwork,
    instagram: InstagramNetwork,
) -> None:
    mention = meta.ig_mention_in_comment("gina", "@carethread_demo my order is stuck")

    [result] = receiver.results
    completed = complete_webhook(result, facebook, instagram)

    assert result.posts == [] and len(result.mentions) == 1
    [post] = completed.posts
    assert (post.external_id, post.text, post.author.handle) == (
        mention["id"],
        "@carethread_demo my order is stuck",
        "gina",
    )


def test_a_mention_that_cannot_be_read_is_reported_not_dropped_silently(
    meta: MetaGraphStandIn,
    receiver: Receiver,
    facebook: FacebookNetwork,
    instagram: InstagramNetwork,
) -> None:
    meta.ig_mention_in_caption("fred", "Thanks @carethread_demo")
    meta.revoke_token()

    completed = complete_webhook(receiver.results[0], facebook, instagram)

    assert completed.posts == [] and len(completed.unresolved) == 1
    assert completed.error is not None and "FACEBOOK_PAGE_ACCESS_TOKEN" in completed.error


def test_a_comment_seen_by_webhook_and_poll_is_stored_once_in_one_case(
    meta: MetaGraphStandIn,
    receiver: Receiver,
    facebook: FacebookNetwork,
    factory: sessionmaker[Session],
) -> None:
    post = meta.page_post("Opening hours")
    comment = meta.comment("Bob Stone", post["id"], "Open on Sunday?")
    meta.visitor_post("Ann Lee", "Lost my receipt")
    meta.comment("Cara Diaz", comment["id"], "And on holidays?")
    meta.messenger("Dan Wu", "Is my order shipped?")
    delivered = [
        p for result in receiver.results for p in complete_webhook(result, facebook, None).posts
    ]
    polled = poll(facebook, "feed", meta) + poll(facebook, "messenger", meta)

    with session_scope(factory) as session:
        brand = upsert_brand(session, "facebook", facebook.whoami())
        first = ingest_posts(session, brand, delivered)
        again = ingest_posts(session, brand, polled)
    with session_scope(factory) as session:
        stored = session.scalar(select(func.count(Post.id)))
        cases = session.scalars(select(Case)).all()
        by_case = {
            case.id: sorted(
                p.text for p in session.scalars(select(Post).where(Post.case_id == case.id))
            )
            for case in cases
        }

    assert (len(first), len(again), stored) == (4, 0, 4)
    assert sorted(by_case.values()) == [
        ["And on holidays?", "Open on Sunday?"],
        ["Is my order shipped?"],
        ["Lost my receipt"],
    ]
    assert only(polled, "messenger_message").external_id.startswith("m_")
