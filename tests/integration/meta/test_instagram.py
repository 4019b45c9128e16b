"""Instagram through the real Graph client against the stand-in: comments, replies landing on
the top-level comment, mentions answered through the mentions edge, and DMs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.networks.base import TEXT_FIELD, VISIBILITY_FIELD, NetworkError
from bot.networks.meta import InstagramNetwork
from bot.networks.meta.objects import MentionRef
from sandbox.meta_graph import MetaGraphStandIn
from storage.enums import Visibility
from tests.integration.meta.helpers import context_for, only, outgoing


def poll(network: InstagramNetwork, stream: str, meta: MetaGraphStandIn, cursor: str | None = None):
    fetch = next(s.fetch for s in network.streams() if s.name == stream)
    return fetch(cursor, meta.now() - timedelta(hours=1), None)


def test_comments_and_replies_are_posts_and_a_reply_joins_its_comment(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    media = meta.ig_media("Summer collection")
    top = meta.ig_comment("dana", media["id"], "Which sizes?")
    meta.ig_comment("erin", top["id"], "Same question")

    posts = poll(instagram, "comments", meta).posts

    comment, reply = only(posts, "ig_comment"), only(posts, "ig_comment_reply")
    assert comment.author.handle == "dana" and reply.author.handle == "erin"
    assert reply.conversation_id == comment.conversation_id == top["id"]
    assert comment.url == media["permalink"]


def test_a_reply_to_a_reply_is_posted_on_the_top_level_comment(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    media = meta.ig_media("Summer collection")
    top = meta.ig_comment("dana", media["id"], "Which sizes?")
    meta.ig_comment("erin", top["id"], "Do you ship to Norway?")
    reply = only(poll(instagram, "comments", meta).posts, "ig_comment_reply")

    note = instagram.reply_note(reply.meta, Visibility.PUBLIC)
    sent = instagram.send(outgoing(reply, "Yes, we ship to Norway", Visibility.PUBLIC))

    answer = meta.ig_comments[sent.external_id]
    assert answer["parent_id"] == top["id"]
    assert answer["username"] == meta.ig_account["username"]
    assert note is not None and "top-level comment" in note
    posted = [r for r in meta.requests if r.method == "POST"]
    assert [r.path.rsplit("/", 2)[-2:] for r in posted] == [[top["id"], "replies"]]


def test_a_mention_is_answered_through_the_mentions_edge(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    mention = meta.ig_mention_in_comment("gina", "@carethread_demo my order is stuck")

    [post] = instagram.fetch_mentions([MentionRef(mention["media_id"], mention["id"])])
    sent = instagram.send(outgoing(post, "Sorry Gina, we'll DM you", Visibility.PUBLIC))

    assert post.meta["kind"] == "ig_mention" and post.text == "@carethread_demo my order is stuck"
    assert post.author.handle == "gina"
    answer = meta.ig_comments[sent.external_id]
    assert answer["parent_id"] == mention["id"] and answer["media_id"] == mention["media_id"]
    [request] = [r for r in meta.requests if r.method == "POST"]
    assert request.path.endswith(f"/{meta.ig_account['id']}/mentions")
    assert request.json() == {
        "media_id": mention["media_id"],
        "comment_id": mention["id"],
        "message": "Sorry Gina, we'll DM you",
    }
    problems = instagram.reply_problems("hi", Visibility.PRIVATE, context_for(post, meta.now()))
    assert "no private reply to a mention" in problems[VISIBILITY_FIELD]


def test_a_caption_mention_is_polled_from_tags_and_answered_on_that_post(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    media = meta.ig_mention_in_caption("fred", "Loving my new shoes from @carethread_demo")

    post = only(poll(instagram, "mentions", meta).posts, "ig_mention")
    instagram.send(outgoing(post, "Thank you Fred!", Visibility.PUBLIC))

    assert post.external_id == media["id"] and post.meta["mentioned_in"] == "caption"
    on_media = [c for c in meta.ig_comments.values() if c["media_id"] == media["id"]]
    assert [(c["text"], c["parent_id"]) for c in on_media] == [("Thank you Fred!", None)]


def test_a_private_reply_to_an_instagram_comment_goes_once(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    media = meta.ig_media("Summer collection")
    meta.ig_comment("dana", media["id"], "My order arrived broken")
    comment = only(poll(instagram, "comments", meta).posts, "ig_comment")

    instagram.send(outgoing(comment, "So sorry! Your order number?", Visibility.PRIVATE))

    [thread] = [t for t in meta.threads.values() if t["platform"] == "instagram"]
    assert [m["message"] for m in thread["messages"]] == ["So sorry! Your order number?"]
    with pytest.raises(NetworkError, match="already sent"):
        instagram.send(outgoing(comment, "Hello again", Visibility.PRIVATE))


def test_direct_messages_are_one_thread_per_customer_and_answered_in_the_window(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    meta.ig_dm("hana", "Where is my refund?")
    meta.ig_dm("hana", "It has been two weeks")
    meta.ig_dm("ivan", "Do you have gift cards?")

    posts = poll(instagram, "direct", meta).posts
    hana = [p for p in posts if p.author.handle == "hana"]

    assert {p.conversation_id for p in hana} == {f"instagram-dm:{hana[0].author.external_id}"}
    assert len({p.conversation_id for p in posts}) == 2
    latest = max(hana, key=lambda p: p.created_at)
    instagram.send(outgoing(latest, "Refund sent today", Visibility.PRIVATE))
    thread = next(t for t in meta.threads.values() if t["user_id"] == latest.author.external_id)
    assert thread["messages"][-1]["message"] == "Refund sent today"
    assert thread["messages"][-1]["from"]["id"] == meta.ig_account["id"]


def test_an_instagram_dm_is_limited_to_1000_bytes(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    meta.ig_dm("hana", "hi")
    message = only(poll(instagram, "direct", meta).posts, "ig_dm")
    text = "é" * 501  # 1,002 bytes in UTF-8
    problems = instagram.reply_problems(text, Visibility.PRIVATE, context_for(message, meta.now()))
    assert problems == {
        TEXT_FIELD: "Instagram accepts at most 1,000 bytes here; this reply has 1,002."
    }


def test_comments_are_read_again_only_when_a_count_moved(
    meta: MetaGraphStandIn, instagram: InstagramNetwork
) -> None:
    media = meta.ig_media("Summer collection")
    meta.ig_comment("dana", media["id"], "Which sizes?")
    first = poll(instagram, "comments", meta)

    def comment_reads() -> int:
        return sum(r.path.endswith("/comments") for r in meta.requests)

    before_quiet = comment_reads()
    quiet = poll(instagram, "comments", meta, first.cursor)
    after_quiet = comment_reads()
    meta.advance(minutes=5)
    meta.ig_comment("erin", media["id"], "Do you ship to Norway?")
    busy = poll(instagram, "comments", meta, quiet.cursor)

    assert quiet.posts == [] and after_quiet == before_quiet  # nothing moved: not read
    assert comment_reads() == after_quiet + 1
    assert [p.text for p in busy.posts if p.created_at > first.posts[0].created_at] == [
        "Do you ship to Norway?"
    ]
    assert len(first.cursor or "") <= 64  # fits the checkpoint column
