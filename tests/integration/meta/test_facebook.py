"""Facebook through the real Graph client against the stand-in: what becomes a post and a
thread, public answers, one private reply per comment, and Messenger's windows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.networks.base import TEXT_FIELD, VISIBILITY_FIELD, NetworkError
from bot.networks.meta import FacebookNetwork
from sandbox.meta_graph import MetaGraphStandIn
from storage.enums import Visibility
from tests.integration.meta.helpers import context_for, facebook_for, only, outgoing


def poll(network: FacebookNetwork, stream: str, meta: MetaGraphStandIn, cursor: str | None = None):
    fetch = next(s.fetch for s in network.streams() if s.name == stream)
    return fetch(cursor, meta.now() - timedelta(hours=1), None)


def test_visitor_post_and_comment_are_two_posts_and_a_reply_joins_the_comment(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    brand_post = meta.page_post("We now deliver on Sundays")
    meta.visitor_post("Ann Lee", "My parcel never arrived")
    comment = meta.comment("Bob Stone", brand_post["id"], "Not to my town, it seems")
    meta.comment("Bob Stone", comment["id"], "Anyone there?")

    posts = poll(facebook, "feed", meta).posts

    visitor = only(posts, "visitor_post")
    top = only(posts, "comment")
    reply = only(posts, "comment_reply")
    assert [p.text for p in (visitor, top)] == [
        "My parcel never arrived",
        "Not to my town, it seems",
    ]
    assert visitor.conversation_id != top.conversation_id
    assert reply.conversation_id == top.conversation_id == comment["id"]
    assert reply.in_reply_to_id == comment["id"]
    assert reply.meta["post_id"] == brand_post["id"]
    assert top.author.name == "Bob Stone" and visitor.author.name == "Ann Lee"
    # The brand's own post is not a customer post.
    assert brand_post["id"] not in {p.external_id for p in posts}


def test_a_comment_on_a_visitor_post_answers_that_post(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    visitor = meta.visitor_post("Ann Lee", "My parcel never arrived")
    meta.comment("Ann Lee", visitor["id"], "Order 5521, if that helps")

    comment = only(poll(facebook, "feed", meta).posts, "comment")

    # The core files it in the case holding the post it answers: the visitor post's.
    assert comment.in_reply_to_id == visitor["id"]


def test_the_next_poll_brings_only_what_is_new_and_skips_the_brands_answers(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    brand_post = meta.page_post("Summer sale")
    comment = meta.comment("Bob Stone", brand_post["id"], "Does it include shoes?")
    first = poll(facebook, "feed", meta)
    facebook.send(outgoing(only(first.posts, "comment"), "Yes, shoes too!", Visibility.PUBLIC))
    meta.advance(minutes=10)
    meta.comment("Bob Stone", comment["id"], "Great, thanks")

    second = poll(facebook, "feed", meta, first.cursor)

    # Posts from the overlap before the checkpoint come again (the store drops them).
    new = [
        p.text for p in second.posts if p.external_id not in {f.external_id for f in first.posts}
    ]
    assert new == ["Great, thanks"]
    assert "Yes, shoes too!" not in {p.text for p in second.posts}


def test_public_answers_go_on_the_post_or_under_the_top_level_comment(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    brand_post = meta.page_post("New menu")
    comment = meta.comment("Bob Stone", brand_post["id"], "Vegan options?")
    meta.comment("Cara Diaz", comment["id"], "I'd like to know too")
    visitor = meta.visitor_post("Ann Lee", "Table for 12 possible?")
    posts = poll(facebook, "feed", meta).posts

    facebook.send(outgoing(only(posts, "visitor_post"), "Yes, call us", Visibility.PUBLIC))
    sent = facebook.send(
        outgoing(only(posts, "comment_reply"), "Three vegan dishes", Visibility.PUBLIC)
    )

    answer = meta.comments[sent.external_id]
    assert answer["parent_id"] == comment["id"] and answer["from"]["id"] == meta.page["id"]
    on_visitor_post = [c for c in meta.comments.values() if c["post_id"] == visitor["id"]]
    assert [c["message"] for c in on_visitor_post] == ["Yes, call us"]
    note = facebook.reply_note(only(posts, "comment_reply").meta, Visibility.PUBLIC)
    assert note is not None and "top-level comment" in note


def test_a_private_reply_to_a_comment_is_sent_once_and_refused_after_seven_days(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    brand_post = meta.page_post("Price update")
    meta.comment("Bob Stone", brand_post["id"], "My card was charged twice")
    comment = only(poll(facebook, "feed", meta).posts, "comment")
    context = context_for(comment, meta.now())

    assert facebook.reply_problems("Sorry! Which card?", Visibility.PRIVATE, context) == {}
    assert facebook.reply_window(context).startswith("private reply possible until ")
    facebook.send(outgoing(comment, "Sorry! Which card?", Visibility.PRIVATE))
    thread = meta.threads[meta.comments[comment.external_id]["private_reply"]]
    assert [m["message"] for m in thread["messages"]] == ["Sorry! Which card?"]

    again = context_for(comment, meta.now(), private_replies=1)
    problems = facebook.reply_problems("One more thing", Visibility.PRIVATE, again)
    assert "already sent" in problems[VISIBILITY_FIELD]
    # Meta refuses it too, in plain words, if it were sent anyway.
    with pytest.raises(NetworkError, match="already sent"):
        facebook.send(outgoing(comment, "One more thing", Visibility.PRIVATE))


def test_a_private_reply_after_seven_days_is_refused_with_the_date(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    brand_post = meta.page_post("Price update")
    meta.comment("Dan Wu", brand_post["id"], "Charged twice")
    comment = only(poll(facebook, "feed", meta).posts, "comment")
    meta.advance(days=7, minutes=1)
    closes = f"{comment.created_at + timedelta(days=7):%a %d %b %H:%M} UTC"
    context = context_for(comment, meta.now())

    problems = facebook.reply_problems("Sorry!", Visibility.PRIVATE, context)

    assert problems == {
        VISIBILITY_FIELD: f"Private reply closed on {closes}: Facebook allows one only within "
        "7 days of the comment. Answer publicly instead."
    }
    assert facebook.reply_window(context) == f"private reply closed on {closes}"
    assert facebook.reply_problems("Sorry!", Visibility.PUBLIC, context) == {}
    with pytest.raises(NetworkError, match="Private reply closed"):
        facebook.send(outgoing(comment, "Sorry!", Visibility.PRIVATE))
    # Meta itself refuses it as well (the stand-in enforces the rule, not only we do).
    with pytest.raises(NetworkError, match="within 7 days"):
        facebook.client.post(
            f"{meta.page['id']}/messages",
            {"recipient": {"comment_id": comment.external_id}, "message": {"text": "Sorry!"}},
        )
    assert meta.comments[comment.external_id]["private_reply"] is None


def messenger_post(meta: MetaGraphStandIn, network: FacebookNetwork, text: str):
    meta.messenger("Cara Diaz", text)
    return only(poll(network, "messenger", meta).posts, "messenger_message")


def sent_messages(meta: MetaGraphStandIn) -> list[tuple[str, str | None, str]]:
    return [
        (m["messaging_type"], m["tag"], m["message"])
        for thread in meta.threads.values()
        for m in thread["messages"]
        if m["from"]["id"] == meta.page["id"]
    ]


def test_messenger_inside_24_hours_goes_out_as_a_response(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    message = messenger_post(meta, facebook, "My account is locked")
    meta.advance(hours=23)
    context = context_for(message, meta.now())

    assert facebook.reply_problems("Unlocked it", Visibility.PRIVATE, context) == {}
    assert facebook.reply_window(context).startswith("messaging window open until ")
    facebook.send(outgoing(message, "Unlocked it", Visibility.PRIVATE))

    assert sent_messages(meta) == [("RESPONSE", None, "Unlocked it")]
    problems = facebook.reply_problems("Unlocked it", Visibility.PUBLIC, context)
    assert "no public side" in problems[VISIBILITY_FIELD]


def test_messenger_after_24_hours_is_refused_without_the_human_agent_tag(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    message = messenger_post(meta, facebook, "My account is locked")
    meta.advance(hours=30)
    context = context_for(message, meta.now())

    problems = facebook.reply_problems("Unlocked it", Visibility.PRIVATE, context)

    closed = f"{message.created_at + timedelta(hours=24):%a %d %b %H:%M} UTC"
    assert problems[VISIBILITY_FIELD].startswith(f"Messaging window closed on {closed}")
    assert "HUMAN_AGENT tag, which is off here (META_HUMAN_AGENT_TAG)" in problems[VISIBILITY_FIELD]
    with pytest.raises(NetworkError, match="the customer must write again"):
        facebook.send(outgoing(message, "Unlocked it", Visibility.PRIVATE))
    assert sent_messages(meta) == []


def test_messenger_after_24_hours_uses_the_human_agent_tag_when_enabled(
    meta: MetaGraphStandIn,
) -> None:
    facebook = facebook_for(meta, human_agent_tag=True)
    message = messenger_post(meta, facebook, "My account is locked")
    meta.advance(hours=30)
    context = context_for(message, meta.now())

    assert facebook.reply_problems("Unlocked it", Visibility.PRIVATE, context) == {}
    assert facebook.reply_window(context).startswith("human agent reply possible until ")
    facebook.send(outgoing(message, "Unlocked it", Visibility.PRIVATE))

    assert sent_messages(meta) == [("MESSAGE_TAG", "HUMAN_AGENT", "Unlocked it")]


def test_messenger_after_seven_days_is_refused_even_with_the_tag(meta: MetaGraphStandIn) -> None:
    facebook = facebook_for(meta, human_agent_tag=True)
    message = messenger_post(meta, facebook, "My account is locked")
    meta.advance(days=8)
    context = context_for(message, meta.now())

    problems = facebook.reply_problems("Unlocked it", Visibility.PRIVATE, context)

    assert problems == {VISIBILITY_FIELD: "Messaging window closed: the customer must write again."}
    assert (
        facebook.reply_window(context) == "messaging window closed: the customer must write again"
    )
    with pytest.raises(NetworkError, match="must write again"):
        facebook.send(outgoing(message, "Unlocked it", Visibility.PRIVATE))
    # Forcing the tag past 7 days: Meta says no as well.
    with pytest.raises(NetworkError, match="messaging window is closed"):
        facebook.client.post(
            f"{meta.page['id']}/messages",
            {
                "recipient": {"id": message.author.external_id},
                "messaging_type": "MESSAGE_TAG",
                "tag": "HUMAN_AGENT",
                "message": {"text": "Unlocked it"},
            },
        )
    assert sent_messages(meta) == []


def test_a_messenger_reply_longer_than_2000_characters_is_refused_in_the_modal(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    message = messenger_post(meta, facebook, "hi")
    problems = facebook.reply_problems(
        "x" * 2001, Visibility.PRIVATE, context_for(message, meta.now())
    )
    assert problems == {
        TEXT_FIELD: "Facebook accepts at most 2,000 characters here; this reply has 2,001."
    }


def test_an_idle_feed_stops_reading_comments_once_past_the_overlap(
    meta: MetaGraphStandIn, facebook: FacebookNetwork
) -> None:
    brand_post = meta.page_post("Summer sale")
    meta.comment("Bob Stone", brand_post["id"], "Shoes too?")
    cursor = poll(facebook, "feed", meta).cursor
    for _ in range(2):  # the first of these still re-reads the overlap
        meta.advance(minutes=10)
        cursor = poll(facebook, "feed", meta, cursor).cursor
    reads = len(meta.requests)

    meta.advance(minutes=10)
    idle = poll(facebook, "feed", meta, cursor)

    assert idle.posts == []
    assert [r.path.rsplit("/", 1)[-1] for r in meta.requests[reads:]] == ["feed"]
